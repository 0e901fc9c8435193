import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { DEPLOY_ENVIRONMENTS } from "../../server/config/environments";
import { appConfigFromEnv } from "../../server/env";
import { callerFor, testEnv } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("dev mailbox", () => {
  it("lists outbox emails newest first outside production", async () => {
    await callerFor(t.db, null).api.auth.signUp({
      name: "Mail Reader",
      email: "reader@example.test",
      password: "a long passphrase",
    });
    const mailbox = await callerFor(t.db, null).api.dev.listMailbox();
    expect(mailbox[0]).toMatchObject({
      to: "reader@example.test",
      subject: "Confirm your email for Greenroom",
      status: "queued",
    });
  });

  it.each(DEPLOY_ENVIRONMENTS)("is NOT_FOUND in %s, so nobody can read other people's email", async (name) => {
    const config = appConfigFromEnv(testEnv({ ENVIRONMENT: name }).env);
    const error = await callerFor(t.db, null, { config })
      .api.dev.listMailbox()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("NOT_FOUND");
  });
});
