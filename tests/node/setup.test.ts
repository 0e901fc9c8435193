import { describe, expect, it } from "vitest";
import type { Env } from "../../server/env";
import { describeSetup } from "../../server/services/platform/setup";

const bare = { EMAIL_PROVIDER: "outbox" } as unknown as Env;
const full = {
  EMAIL_PROVIDER: "resend",
  RESEND_API_KEY: "re_test",
  STRIPE_SECRET_KEY: "sk_test",
  STRIPE_WEBHOOK_SECRET: "whsec_test",
  STRIPE_PRICE_CREATOR: "price_creator",
  TRANSCRIPTION_PROVIDERS: "openai",
  OPENAI_BASE_URL: "https://api.example.test/v1",
  OPENAI_API_KEY: "sk-test",
  LLM_PROVIDERS: "openai",
  INSTAGRAM_APP_ID: "1",
  INSTAGRAM_APP_SECRET: "secret",
  MEDIA: {},
} as unknown as Env;

/** Variable names, bindings and scripts are the operator's words (README), never a creator's. */
const OPERATOR_WORDS = /[A-Z]{2,}_[A-Z_]+|scripts\/|\.dev\.vars|wrangler|binding|secret|api key/i;

describe("describeSetup", () => {
  it("says what is not set up, in a creator's words", () => {
    const items = describeSetup(bare);
    expect(items.map((item) => [item.area, item.ready])).toEqual([
      ["payments", false],
      ["email", false],
      ["transcription", false],
      ["summaries", false],
      ["instagram", false],
      ["storage", false],
    ]);
    for (const item of items) expect(item.summary).not.toMatch(OPERATOR_WORDS);
  });

  it("says what is set up once the installation configures it", () => {
    const items = describeSetup(full);
    expect(items.every((item) => item.ready)).toBe(true);
    for (const item of items) expect(item.summary).not.toMatch(OPERATOR_WORDS);
  });

  it("is not ready for payments while no paid plan has a price", () => {
    const [payments] = describeSetup({ ...full, STRIPE_PRICE_CREATOR: undefined } as Env);
    expect(payments).toMatchObject({ area: "payments", ready: false });
    expect(payments.summary).toMatch(/no paid plan has a price/);
  });
});
