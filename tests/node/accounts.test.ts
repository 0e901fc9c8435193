import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditEvents, emails, memberships, rateLimits, sessions, users } from "../../db/schema";
import { SEND_EMAIL_JOB } from "../../server/services/email/outbox";
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

const cookieToken = (headers: Headers) =>
  /greenroom_session=([^;]*)/.exec(headers.get("set-cookie") ?? "")?.[1] ?? null;

/** The token from the newest outbox email to `to` with a link to `path`. */
async function tokenFromEmail(to: string, path: string) {
  const rows = await t.db.select().from(emails).where(eq(emails.to, to));
  const match = rows
    .reverse()
    .map((row) => new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(row.text))
    .find(Boolean);
  if (!match) throw new Error(`no ${path} email for ${to}`);
  return match[1];
}

describe("sign up", () => {
  it("creates the user, an owned workspace, a session cookie and a queued verification email", async () => {
    const { api, ctx, emails: queue } = callerFor(t.db, null);
    const result = await api.auth.signUp({
      name: "Maya Host",
      email: "  Maya@Example.TEST ",
      password: "a long passphrase",
    });
    const [user] = await t.db.select().from(users).where(eq(users.id, result.userId));
    expect(user.email).toBe("maya@example.test");
    expect(user.passwordHash).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(user.emailVerifiedAt).toBeNull();
    const [membership] = await t.db.select().from(memberships).where(eq(memberships.userId, result.userId));
    expect(membership).toMatchObject({ workspaceId: result.workspaceId, role: "owner" });
    const cookie = ctx.responseHeaders.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookieToken(ctx.responseHeaders)).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(queue.jobs(SEND_EMAIL_JOB)).toHaveLength(1);
    expect(await tokenFromEmail("maya@example.test", "/verify-email")).toBeTruthy();
  });

  it("keeps a committed sign-up when the email queue is down: the outbox row waits for the sweep", async () => {
    const { api, emails: queue } = callerFor(t.db, null);
    // Down for single messages and batches alike: the ladder queues a mutation's emails as one batch.
    vi.spyOn(queue.queue, "send").mockRejectedValueOnce(new Error("Queue send failed: 503"));
    vi.spyOn(queue.queue, "sendBatch").mockRejectedValueOnce(new Error("Queue send failed: 503"));
    const warned = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const result = await api.auth.signUp({
      name: "Queue Down",
      email: "queue-down@example.test",
      password: "a long passphrase",
    });
    expect(result.userId).toBeTruthy();
    const [row] = await t.db.select().from(emails).where(eq(emails.to, "queue-down@example.test"));
    expect(row).toMatchObject({ status: "queued", attempts: 0 });
    expect(warned.mock.calls.join("\n")).toContain("email.enqueue_failed");
    warned.mockRestore();
  });

  it("refuses a duplicate email with a field error and writes nothing", async () => {
    const { api } = callerFor(t.db, null);
    const before = await t.db.select().from(users);
    const error = await rejection(
      api.auth.signUp({ name: "Maya Again", email: "maya@example.test", password: "another passphrase" }),
    );
    expect(error.code).toBe("CONFLICT");
    expect((error.cause as { fieldErrors?: Record<string, string[]> }).fieldErrors?.email?.[0]).toMatch(
      /already exists/,
    );
    expect(await t.db.select().from(users)).toHaveLength(before.length);
  });

  it("rejects invalid input per field without touching the database", async () => {
    const { api } = callerFor(t.db, null);
    const error = await rejection(api.auth.signUp({ name: "", email: "not-an-email", password: "short" }));
    expect(error.code).toBe("BAD_REQUEST");
  });
});

describe("sign-up rate limit", () => {
  it("allows the 20th account from one address in an hour and refuses the 21st before any work, with Retry-After", async () => {
    const ip = "198.51.100.20";
    const now = new Date();
    await t.db.insert(rateLimits).values({ key: `signup:ip:${ip}`, windowStart: now, count: 19 });
    const signUpFrom = (n: number) =>
      callerFor(t.db, null, { ip }).api.auth.signUp({
        name: `Burst ${n}`,
        email: `burst${n}@example.test`,
        password: "a long passphrase",
      });
    await signUpFrom(20);
    const refused = await rejection(signUpFrom(21));
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toMatch(/^Too many accounts were created from your network\. Try again in \d+ minutes?\.$/);
    expect(await t.db.select().from(users).where(eq(users.email, "burst21@example.test"))).toEqual([]);
    // Another address is unaffected.
    await callerFor(t.db, null, { ip: "198.51.100.21" }).api.auth.signUp({
      name: "Elsewhere",
      email: "elsewhere@example.test",
      password: "a long passphrase",
    });
  });
});

describe("email verification", () => {
  it("verifies once; the link cannot be reused", async () => {
    const { api } = callerFor(t.db, null);
    const token = await tokenFromEmail("maya@example.test", "/verify-email");
    await api.auth.verifyEmail({ token });
    const [user] = await t.db.select().from(users).where(eq(users.email, "maya@example.test"));
    expect(user.emailVerifiedAt).toBeInstanceOf(Date);
    expect((await rejection(api.auth.verifyEmail({ token }))).code).toBe("NOT_FOUND");
  });
});

describe("log in and log out", () => {
  it("logs in with the right password, starting a new session", async () => {
    const user = await createUser(t.db);
    const { api, ctx } = callerFor(t.db, null);
    await api.auth.logIn({ email: user.email.toUpperCase(), password: TEST_PASSWORD });
    const token = cookieToken(ctx.responseHeaders)!;
    expect(token.split(".")[0]).not.toBe(user.session.sessionId);
    const rows = await t.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(2);
    // Only a hash of the secret is stored.
    expect(rows.every((row) => !token.includes(row.secretHash))).toBe(true);
  });

  it("gives the same answer for a wrong password and an unknown account, and audits both", async () => {
    const user = await createUser(t.db);
    const wrongPassword = await rejection(
      callerFor(t.db, null).api.auth.logIn({ email: user.email, password: "wrong password!" }),
    );
    const unknown = await rejection(
      callerFor(t.db, null).api.auth.logIn({ email: "nobody@example.test", password: "wrong password!" }),
    );
    expect([wrongPassword.code, unknown.code]).toEqual(["UNAUTHORIZED", "UNAUTHORIZED"]);
    expect(wrongPassword.message).toBe(unknown.message);
    const failures = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "auth.login_failed"));
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });

  it("logs out: the session row is gone and the cookie is cleared", async () => {
    const user = await createUser(t.db);
    const { api, ctx } = callerFor(t.db, user);
    await api.auth.logOut();
    expect(ctx.responseHeaders.get("set-cookie")).toContain("Max-Age=0");
    expect(await t.db.select().from(sessions).where(eq(sessions.id, user.session.sessionId))).toHaveLength(0);
  });
});

describe("login rate limits", () => {
  it("locks one account after 8 attempts in 15 minutes with a clear 429 and Retry-After", async () => {
    const user = await createUser(t.db);
    for (let i = 0; i < 8; i++) {
      await rejection(
        callerFor(t.db, null, { ip: `198.51.100.${i}` }).api.auth.logIn({
          email: user.email,
          password: "wrong password!",
        }),
      );
    }
    const { api, ctx } = callerFor(t.db, null, { ip: "198.51.100.99" });
    const error = await rejection(api.auth.logIn({ email: user.email, password: TEST_PASSWORD }));
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/Too many login attempts\. Try again in \d+ minutes?\./);
    expect(Number(ctx.responseHeaders.get("retry-after"))).toBeGreaterThan(0);
  });

  it("reopens the account after the window", async () => {
    const user = await createUser(t.db);
    const start = Date.now();
    for (let i = 0; i < 9; i++) {
      await rejection(
        callerFor(t.db, null, { clock: () => new Date(start) }).api.auth.logIn({
          email: user.email,
          password: "wrong password!",
        }),
      );
    }
    const later = () => new Date(start + 16 * 60_000);
    await expect(
      callerFor(t.db, null, { clock: later }).api.auth.logIn({ email: user.email, password: TEST_PASSWORD }),
    ).resolves.toBeTruthy();
  });

  it("limits one IP across many accounts", async () => {
    const ip = "192.0.2.200";
    for (let i = 0; i < 40; i++) {
      await rejection(
        callerFor(t.db, null, { ip }).api.auth.logIn({ email: `ghost${i}@example.test`, password: "wrong password!" }),
      );
    }
    const user = await createUser(t.db);
    const error = await rejection(
      callerFor(t.db, null, { ip }).api.auth.logIn({ email: user.email, password: TEST_PASSWORD }),
    );
    expect(error.code).toBe("TOO_MANY_REQUESTS");
  });
});

describe("password reset", () => {
  it("answers identically for unknown addresses and mails nothing", async () => {
    const { api, emails: queue } = callerFor(t.db, null);
    await expect(api.auth.requestPasswordReset({ email: "nobody@example.test" })).resolves.toEqual({ ok: true });
    expect(queue.sent).toHaveLength(0);
  });

  it("sets the new password, revokes every old session, and signs in afresh; the link works once", async () => {
    const user = await createUser(t.db, { verified: false });
    await callerFor(t.db, null).api.auth.requestPasswordReset({ email: user.email });
    const token = await tokenFromEmail(user.email, "/reset-password");
    const { api, ctx } = callerFor(t.db, null);
    await api.auth.resetPassword({ token, password: "a brand new passphrase" });
    const remaining = await t.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(remaining.map((s) => s.id)).toEqual([cookieToken(ctx.responseHeaders)!.split(".")[0]]);
    await expect(
      callerFor(t.db, null).api.auth.logIn({ email: user.email, password: "a brand new passphrase" }),
    ).resolves.toBeTruthy();
    expect(
      (await rejection(callerFor(t.db, null).api.auth.resetPassword({ token, password: "yet another passphrase" })))
        .code,
    ).toBe("NOT_FOUND");
  });

  it("refuses an expired link", async () => {
    const user = await createUser(t.db);
    const now = Date.now();
    await callerFor(t.db, null, { clock: () => new Date(now) }).api.auth.requestPasswordReset({ email: user.email });
    const token = await tokenFromEmail(user.email, "/reset-password");
    const twoHoursLater = () => new Date(now + 2 * 3600_000);
    const error = await rejection(
      callerFor(t.db, null, { clock: twoHoursLater }).api.auth.resetPassword({
        token,
        password: "a brand new passphrase",
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
  });
});

describe("change password and sessions", () => {
  it("requires the current password, revokes all other sessions and rotates this one", async () => {
    const user = await createUser(t.db);
    await callerFor(t.db, null).api.auth.logIn({ email: user.email, password: TEST_PASSWORD });
    const wrong = await rejection(
      callerFor(t.db, user).api.auth.changePassword({
        currentPassword: "not it at all",
        newPassword: "a brand new passphrase",
      }),
    );
    expect(wrong.code).toBe("BAD_REQUEST");

    const { api, ctx } = callerFor(t.db, user);
    await api.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: "a brand new passphrase" });
    const remaining = await t.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(remaining).toHaveLength(1);
    expect(remaining[0].id).toBe(cookieToken(ctx.responseHeaders)!.split(".")[0]);
    expect(remaining[0].id).not.toBe(user.session.sessionId);
  });

  it("lists sessions with the current one marked, and logs out the others", async () => {
    const user = await createUser(t.db);
    await callerFor(t.db, null).api.auth.logIn({ email: user.email, password: TEST_PASSWORD });
    const { api } = callerFor(t.db, user);
    const listed = await api.auth.listSessions();
    expect(listed).toHaveLength(2);
    expect(listed.filter((s) => s.current).map((s) => s.id)).toEqual([user.session.sessionId]);
    expect(await api.auth.revokeOtherSessions()).toEqual({ revoked: 1 });
    expect(await api.auth.listSessions()).toHaveLength(1);
  });

  it("cannot revoke another user's session", async () => {
    const alice = await createUser(t.db);
    const bob = await createUser(t.db);
    const error = await rejection(callerFor(t.db, alice).api.auth.revokeSession({ sessionId: bob.session.sessionId }));
    expect(error.code).toBe("NOT_FOUND");
    expect(await t.db.select().from(sessions).where(eq(sessions.id, bob.session.sessionId))).toHaveLength(1);
  });

  it("requires a session for account procedures", async () => {
    expect((await rejection(callerFor(t.db, null).api.auth.listSessions())).code).toBe("UNAUTHORIZED");
  });
});
