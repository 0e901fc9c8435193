/**
 * Two accounts confirming a change to the same address at once, on the real Postgres server (PGlite runs one
 * connection at a time, so the two confirmations could not overlap there).
 */
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emails, users } from "../../db/schema";
import { TEST_PASSWORD, createUser } from "../support/factories";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { callerFor } from "../support/trpc";

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgresServer();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

async function linkTokens(to: string) {
  const rows = await pg.db.select().from(emails).where(eq(emails.to, to));
  return rows.map((row) => /\/confirm-email-change\?token=([A-Za-z0-9_-]+)/.exec(row.text)?.[1]).filter(Boolean);
}

describe("concurrent email change confirmations", () => {
  it("gives the address to one account and tells the other it is taken, without a server error", async () => {
    const first = await createUser(pg.db, { email: "first@example.test" });
    const second = await createUser(pg.db, { email: "second@example.test" });
    for (const user of [first, second]) {
      await callerFor(pg.db, user).api.auth.requestEmailChange({
        newEmail: "wanted@example.test",
        currentPassword: TEST_PASSWORD,
      });
    }
    const tokens = await linkTokens("wanted@example.test");
    expect(tokens).toHaveLength(2);

    const outcomes = await Promise.allSettled(
      tokens.map((token) => callerFor(pg.db, null).api.auth.confirmEmailChange({ token: token! })),
    );
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(TRPCError);
    expect((rejected[0].reason as TRPCError).code).toBe("CONFLICT");
    expect((rejected[0].reason as TRPCError).message).toMatch(/already exists/);

    const holders = await pg.db.select({ id: users.id }).from(users).where(eq(users.email, "wanted@example.test"));
    expect(holders).toHaveLength(1);
  });
});
