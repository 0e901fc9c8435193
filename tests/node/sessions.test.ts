import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, users } from "../../db/schema";
import { hashPassword, verifyPassword } from "../../server/services/auth/password";
import {
  SESSION_INACTIVITY_SECONDS,
  SESSION_MAX_AGE_SECONDS,
  createSession,
  validateSessionToken,
} from "../../server/services/auth/sessions";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { addMember, createUser, createWorkspace } from "../support/factories";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const meta = { ip: "127.0.0.1", userAgent: "vitest" };

describe("session tokens", () => {
  it("accepts the issued token and rejects a tampered secret or unknown id", async () => {
    const user = await createUser(t.db);
    const { token } = await createSession({ db: t.db, userId: user.id, meta, now: new Date() });
    const clock = () => new Date();
    expect((await validateSessionToken({ db: t.db, token, clock }))?.user.id).toBe(user.id);
    const [id, secret] = token.split(".");
    const flipped = secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");
    expect(await validateSessionToken({ db: t.db, token: `${id}.${flipped}`, clock })).toBeNull();
    expect(await validateSessionToken({ db: t.db, token: `nope.${secret}`, clock })).toBeNull();
    expect(await validateSessionToken({ db: t.db, token: "garbage", clock })).toBeNull();
  });

  it("slides with use but dies after the inactivity period, and deletes itself", async () => {
    const user = await createUser(t.db);
    const start = Date.now();
    const { token, sessionId } = await createSession({ db: t.db, userId: user.id, meta, now: new Date(start) });
    const at = (seconds: number) => () => new Date(start + seconds * 1000);
    // Used every 20 days: each use pushes the inactivity deadline forward.
    for (const day of [20, 40, 60]) {
      expect(await validateSessionToken({ db: t.db, token, clock: at(day * 86400) })).not.toBeNull();
    }
    expect(
      await validateSessionToken({ db: t.db, token, clock: at(60 * 86400 + SESSION_INACTIVITY_SECONDS) }),
    ).toBeNull();
    expect(await t.db.select().from(sessions).where(eq(sessions.id, sessionId))).toHaveLength(0);
  });

  it("dies at the absolute lifetime even when used constantly", async () => {
    const user = await createUser(t.db);
    const start = Date.now();
    const { token } = await createSession({ db: t.db, userId: user.id, meta, now: new Date(start) });
    const at = (seconds: number) => () => new Date(start + seconds * 1000);
    for (let day = 10; day < SESSION_MAX_AGE_SECONDS / 86400; day += 10) {
      expect(await validateSessionToken({ db: t.db, token, clock: at(day * 86400) })).not.toBeNull();
    }
    expect(await validateSessionToken({ db: t.db, token, clock: at(SESSION_MAX_AGE_SECONDS) })).toBeNull();
  });

  it("stops working when the account is disabled", async () => {
    const user = await createUser(t.db);
    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await validateSessionToken({ db: t.db, token: user.sessionToken, clock: () => new Date() })).toBeNull();
  });
});

describe("password hashing", () => {
  it("uses scrypt within production workerd's N*r*p <= 2^20 cap and verifies only the right password", async () => {
    const hash = await hashPassword("a long passphrase");
    const [scheme, n, r, p] = hash.split("$");
    expect(scheme).toBe("scrypt");
    expect(Number(n) * Number(r) * Number(p)).toBeLessThanOrEqual(2 ** 20);
    expect(Number(n)).toBeGreaterThanOrEqual(2 ** 15);
    expect(await verifyPassword("a long passphrase", hash)).toBe(true);
    expect(await verifyPassword("a long passphrasE", hash)).toBe(false);
    expect(await verifyPassword("a long passphrase", "pbkdf2$whatever")).toBe(false);
  });
});

describe("session with memberships (ADR 016)", () => {
  it("reads the user's memberships in the session's own statement, and workspaceProcedure authorizes from them", async () => {
    const owner = await createUser(t.db);
    const viewer = await createUser(t.db);
    const studio = await createWorkspace(t.db, owner);
    await addMember(t.db, studio.id, viewer, "viewer");
    const { token } = await createSession({ db: t.db, userId: viewer.id, meta, now: new Date() });

    t.resetQueryCount();
    const session = await validateSessionToken({ db: t.db, token, clock: () => new Date() });
    expect(t.queryCount()).toBe(1);
    expect(session?.memberships).toEqual([
      {
        workspaceId: studio.id,
        name: studio.name,
        role: "viewer",
        billingStatus: "none",
        graceUntil: null,
        unreadNotifications: 0,
      },
    ]);

    // The membership check costs nothing: only the procedure's own read runs.
    const { api } = callerFor(t.db, session);
    t.resetQueryCount();
    await api.podcasts.listShows({ workspaceId: studio.id });
    const withSession = t.queryCount();
    const { api: withoutMemberships } = callerFor(t.db, { ...session!, memberships: undefined });
    t.resetQueryCount();
    await withoutMemberships.podcasts.listShows({ workspaceId: studio.id });
    expect(t.queryCount()).toBe(withSession + 1);

    // Same rule as the query: a weaker role is FORBIDDEN, another tenant's workspace NOT_FOUND.
    await expect(
      api.workspaces.inviteMember({ workspaceId: studio.id, email: "x@example.test", role: "viewer" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    // A mutation may change what was read with the session, so later calls in the request read it again.
    expect(session?.memberships).toBeUndefined();
    const elsewhere = await createWorkspace(t.db, owner, "Elsewhere");
    await expect(api.podcasts.listShows({ workspaceId: elsewhere.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("hands the sliding-expiry refresh to the background when asked, so the page does not wait for it", async () => {
    const user = await createUser(t.db);
    const start = Date.now();
    const { token, sessionId } = await createSession({ db: t.db, userId: user.id, meta, now: new Date(start) });
    const later = new Date(start + 2 * 3600 * 1000);
    const background: Promise<unknown>[] = [];
    t.resetQueryCount();
    const session = await validateSessionToken({
      db: t.db,
      token,
      clock: () => later,
      background: (w) => background.push(w),
    });
    expect(session?.sessionId).toBe(sessionId);
    expect(background).toHaveLength(1);
    await Promise.all(background);
    const [row] = await t.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(row.lastSeenAt).toEqual(later);
  });
});
