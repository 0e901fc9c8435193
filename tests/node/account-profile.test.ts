import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, emails, sessions, users } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { TEST_PASSWORD, createUser } from "../support/factories";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

async function linkToken(to: string) {
  const rows = await t.db.select().from(emails).where(eq(emails.to, to));
  const token = rows
    .reverse()
    .map((row) => /\/confirm-email-change\?token=([A-Za-z0-9_-]+)/.exec(row.text)?.[1])
    .find(Boolean);
  if (!token) throw new Error(`no confirmation link mailed to ${to}`);
  return token;
}

const auditOf = (userId: string, action: string) =>
  t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.actorUserId, userId), eq(auditEvents.action, action)));

describe("account profile", () => {
  it("changes the name, audited", async () => {
    const user = await createUser(t.db, { name: "Old Name" });
    expect(await callerFor(t.db, user).api.auth.changeName({ name: "  New Name " })).toEqual({ name: "New Name" });
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row.name).toBe("New Name");
    expect((await auditOf(user.id, "auth.name_changed")).map((e) => e.detail)).toEqual([
      { from: "Old Name", to: "New Name" },
    ]);
    const empty = await rejection(callerFor(t.db, user).api.auth.changeName({ name: "  " }));
    expect(empty.code).toBe("BAD_REQUEST");
  });

  it("changes the email only once the new address confirms, tells the old one, keeps sessions", async () => {
    const user = await createUser(t.db, { email: "before@example.test" });
    const { api } = callerFor(t.db, user);
    const wrong = await rejection(
      api.auth.requestEmailChange({ newEmail: "after@example.test", currentPassword: "nope" }),
    );
    expect(wrong.code).toBe("BAD_REQUEST");
    expect(
      await api.auth.requestEmailChange({ newEmail: "After@Example.test", currentPassword: TEST_PASSWORD }),
    ).toEqual({ pendingEmail: "after@example.test" });
    // Nothing changes before the link is opened.
    const [pending] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(pending.email).toBe("before@example.test");
    expect(await auditOf(user.id, "auth.email_change_requested")).toHaveLength(1);

    const sessionsBefore = await t.db.select().from(sessions).where(eq(sessions.userId, user.id));
    const token = await linkToken("after@example.test");
    expect(await callerFor(t.db, null).api.auth.confirmEmailChange({ token })).toEqual({
      email: "after@example.test",
    });
    const [changed] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(changed.email).toBe("after@example.test");
    expect(changed.emailVerifiedAt).not.toBeNull();
    expect((await auditOf(user.id, "auth.email_changed")).map((e) => e.detail)).toEqual([
      { from: "before@example.test", to: "after@example.test" },
    ]);
    const [notice] = await t.db.select().from(emails).where(eq(emails.to, "before@example.test"));
    expect(notice.subject).toBe("Your Greenroom email address was changed");
    expect(notice.text).toContain("after@example.test");
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual(sessionsBefore);

    // The link works once.
    const again = await rejection(callerFor(t.db, null).api.auth.confirmEmailChange({ token }));
    expect(again.code).toBe("NOT_FOUND");
  });

  it("refuses an address another account holds, at request and at confirmation", async () => {
    const user = await createUser(t.db, { email: "mine@example.test" });
    await createUser(t.db, { email: "theirs@example.test" });
    const { api } = callerFor(t.db, user);
    const taken = await rejection(
      api.auth.requestEmailChange({ newEmail: "theirs@example.test", currentPassword: TEST_PASSWORD }),
    );
    expect(taken.code).toBe("CONFLICT");
    const same = await rejection(
      api.auth.requestEmailChange({ newEmail: "mine@example.test", currentPassword: TEST_PASSWORD }),
    );
    expect(same.code).toBe("BAD_REQUEST");

    await api.auth.requestEmailChange({ newEmail: "later@example.test", currentPassword: TEST_PASSWORD });
    const token = await linkToken("later@example.test");
    await createUser(t.db, { email: "later@example.test" });
    const raced = await rejection(callerFor(t.db, null).api.auth.confirmEmailChange({ token }));
    expect(raced.code).toBe("CONFLICT");
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row.email).toBe("mine@example.test");
  });

  it("limits how many email changes one account can ask for", async () => {
    const user = await createUser(t.db, {});
    const { api } = callerFor(t.db, user);
    for (let i = 0; i < 5; i++) {
      await api.auth.requestEmailChange({ newEmail: `try${i}@example.test`, currentPassword: TEST_PASSWORD });
    }
    const limited = await rejection(
      api.auth.requestEmailChange({ newEmail: "try5@example.test", currentPassword: TEST_PASSWORD }),
    );
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    // Only the newest link works: each request replaces the one before.
    const stale = await linkToken("try0@example.test");
    expect((await rejection(callerFor(t.db, null).api.auth.confirmEmailChange({ token: stale }))).code).toBe(
      "NOT_FOUND",
    );
    expect(
      await callerFor(t.db, null).api.auth.confirmEmailChange({ token: await linkToken("try4@example.test") }),
    ).toEqual({ email: "try4@example.test" });
  });
});
