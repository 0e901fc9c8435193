import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { send, signUpOverHttp } from "./http";

describe("billing page", () => {
  it("says billing is not configured without Stripe keys, with the workspace on Free and the plans' limits", async () => {
    const owner = await signUpOverHttp();
    const response = await send(`/w/${owner.workspaceId}/billing`, { headers: { cookie: owner.cookie } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Billing is not configured");
    expect(html).toMatch(/on the <strong>Free<\/strong> plan/);
    expect(html).toContain("3000 min / month");
    expect(html).toContain("No events from Stripe yet.");
  });

  it("leaves the not-configured notice out once Stripe is configured", async () => {
    const owner = await signUpOverHttp();
    const bindings = { ...env, STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x" };
    const response = await send(`/w/${owner.workspaceId}/billing`, { headers: { cookie: owner.cookie } }, bindings);
    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain("Billing is not configured");
  });
});
