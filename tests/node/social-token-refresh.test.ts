import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { memberships, notifications, socialAccounts, users, workspaces } from "../../db/schema";
import { reencryptWithCurrentKey, refreshDueTokens } from "../../server/services/social/token-refresh";
import { decryptToken, encryptToken } from "../../server/services/social/token-crypto";
import { refreshSocialTokensCron } from "../../workers/cron/jobs/refresh-social-tokens";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { startInstagramApi, type InstagramApiServer } from "../support/instagram-api";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { TEST_SOCIAL_TOKEN_KEYS, testConfig, testEnv } from "../support/trpc";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date("2026-05-04T10:17:00Z");

let tdb: TestDatabase;
let api: InstagramApiServer;
let clock: Date;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.close();
});
beforeEach(async () => {
  clock = NOW;
  api = await startInstagramApi({ now: () => clock });
});
afterEach(async () => {
  await api.close();
});

/** A workspace (one owner) with an Instagram account whose token was issued `ageMs` ago and expires in `expiresInMs`. */
async function accountWith(db: Database, opts: { ageMs: number; expiresInMs: number; keys?: string }) {
  const owner = await createUser(tdb.db);
  const workspaceId = await workspaceFor(db, owner);
  const { igUserId, accessToken } = api.addAccount({ username: `show_${randomBytes(3).toString("hex")}` });
  const [row] = await db
    .insert(socialAccounts)
    .values({
      workspaceId,
      provider: "instagram",
      externalId: igUserId,
      username: "show",
      status: "active",
      accessTokenEncrypted: await encryptToken(opts.keys ?? TEST_SOCIAL_TOKEN_KEYS, accessToken),
      tokenIssuedAt: new Date(NOW.getTime() - opts.ageMs),
      tokenExpiresAt: new Date(NOW.getTime() + opts.expiresInMs),
    })
    .returning();
  return { account: row, accessToken, workspaceId, owner };
}

async function workspaceFor(db: Database, owner: { id: string; email: string; name: string }) {
  if (db === tdb.db) return (await createWorkspace(db, owner)).id;
  // The real-Postgres database has its own users table.
  await db
    .insert(users)
    .values({ id: owner.id, email: owner.email, name: owner.name, passwordHash: "x", emailVerifiedAt: new Date() });
  const [workspace] = await db.insert(workspaces).values({ name: "Concurrent studio" }).returning();
  await db.insert(memberships).values({ workspaceId: workspace.id, userId: owner.id, role: "owner" });
  return workspace.id;
}

const env = () => testEnv(api.env).env;
const refresh = (db: Database = tdb.db, now = clock) =>
  refreshDueTokens({ db, env: env(), now, appUrl: testConfig.appUrl });
const rowOf = async (id: string, db: Database = tdb.db) =>
  (await db.select().from(socialAccounts).where(eq(socialAccounts.id, id)))[0];

describe("token refresh timing (frozen clock)", () => {
  it("leaves a 23 h old token alone even when it expires soon", async () => {
    const { account } = await accountWith(tdb.db, { ageMs: 23 * HOUR, expiresInMs: 6 * DAY });
    expect((await refresh()).refreshed).toBe(0);
    expect(api.count("/refresh_access_token")).toBe(0);
    expect((await rowOf(account.id)).accessTokenEncrypted).toBe(account.accessTokenEncrypted);
  });

  it("refreshes a 25 h old token that expires in 6 days, storing the new one encrypted with new times", async () => {
    const { account, accessToken } = await accountWith(tdb.db, { ageMs: 25 * HOUR, expiresInMs: 6 * DAY });
    expect(await refresh()).toMatchObject({ refreshed: 1, failed: 0, needsReconnect: 0 });
    expect(api.count("GET /refresh_access_token")).toBe(1);
    const row = await rowOf(account.id);
    const renewed = await decryptToken(TEST_SOCIAL_TOKEN_KEYS, row.accessTokenEncrypted!);
    expect(renewed).not.toBe(accessToken);
    expect(row).toMatchObject({
      tokenIssuedAt: NOW,
      tokenExpiresAt: new Date(NOW.getTime() + 60 * DAY),
      lastRefreshAttemptAt: NOW,
      lastRefreshError: null,
    });
    // Nothing to do until the new token is in its last week.
    clock = new Date(NOW.getTime() + 2 * DAY);
    expect((await refresh()).refreshed).toBe(0);
  });

  it("leaves a 25 h old token that expires in 8 days alone", async () => {
    await accountWith(tdb.db, { ageMs: 25 * HOUR, expiresInMs: 8 * DAY });
    expect((await refresh()).refreshed).toBe(0);
    expect(api.count("/refresh_access_token")).toBe(0);
  });

  it("moves a token encrypted with a retired key version to the current key (rotation)", async () => {
    const v1Only = TEST_SOCIAL_TOKEN_KEYS.split(",")[1];
    const { account } = await accountWith(tdb.db, { ageMs: 30 * DAY, expiresInMs: 5 * DAY, keys: v1Only });
    expect(account.accessTokenEncrypted).toMatch(/^v1\./);
    await refresh();
    expect((await rowOf(account.id)).accessTokenEncrypted).toMatch(/^v2\./);
  });
});

describe("key rotation without waiting for refreshes", () => {
  it("re-seals every token under an older key with the current one, once, so the old key can be removed", async () => {
    const v1Only = TEST_SOCIAL_TOKEN_KEYS.split(",")[1];
    const young = await accountWith(tdb.db, { ageMs: 2 * DAY, expiresInMs: 58 * DAY, keys: v1Only });
    const current = await accountWith(tdb.db, { ageMs: 2 * DAY, expiresInMs: 58 * DAY });

    const first = await reencryptWithCurrentKey({ db: tdb.db, keys: TEST_SOCIAL_TOKEN_KEYS, now: NOW });
    expect(first.errors).toEqual([]);
    expect(first.reencrypted).toBeGreaterThanOrEqual(1);
    const resealed = (await rowOf(young.account.id)).accessTokenEncrypted!;
    expect(resealed).toMatch(/^v2\./);
    expect((await rowOf(current.account.id)).accessTokenEncrypted).toBe(current.account.accessTokenEncrypted);
    // With v1 gone from the configuration, the token still opens; nothing was asked of Instagram.
    const v2Only = TEST_SOCIAL_TOKEN_KEYS.split(",")[0];
    expect(await decryptToken(v2Only, resealed)).toBe(young.accessToken);
    expect(api.count("/refresh_access_token")).toBe(0);
    expect(await reencryptWithCurrentKey({ db: tdb.db, keys: TEST_SOCIAL_TOKEN_KEYS, now: NOW })).toEqual({
      reencrypted: 0,
      errors: [],
    });
  });

  it("reports a token whose key was removed too early instead of skipping it silently", async () => {
    const retired = `v0:${"C".repeat(43)}=`;
    const orphan = await accountWith(tdb.db, { ageMs: 2 * DAY, expiresInMs: 58 * DAY, keys: retired });
    const result = await reencryptWithCurrentKey({ db: tdb.db, keys: TEST_SOCIAL_TOKEN_KEYS, now: NOW });
    expect(result.errors.map((e) => e.message)).toEqual([expect.stringContaining(orphan.account.id)]);
    expect(result.errors[0].message).toContain("key version v0");
    expect((await rowOf(orphan.account.id)).accessTokenEncrypted).toBe(orphan.account.accessTokenEncrypted);
    await tdb.db.delete(socialAccounts).where(eq(socialAccounts.id, orphan.account.id));
  });
});

describe("token refresh failures", () => {
  it("a refused token marks the account needs-reconnect with one notification and one email, even when the cron runs twice", async () => {
    const { account, accessToken, workspaceId } = await accountWith(tdb.db, { ageMs: 40 * DAY, expiresInMs: 3 * DAY });
    api.revokeToken(accessToken);
    const { env: cronEnv, queues } = testEnv(api.env);
    const ctx = { db: tdb.db, env: cronEnv, config: testConfig, now: NOW };
    expect(await refreshSocialTokensCron.run(ctx)).toEqual({
      refreshed: 0,
      failed: 0,
      needsReconnect: 1,
      reencrypted: 0,
    });
    expect(await refreshSocialTokensCron.run(ctx)).toEqual({
      refreshed: 0,
      failed: 0,
      needsReconnect: 0,
      reencrypted: 0,
    });
    expect(await refreshSocialTokensCron.run({ ...ctx, now: new Date(NOW.getTime() + HOUR) })).toEqual({
      refreshed: 0,
      failed: 0,
      needsReconnect: 0,
      reencrypted: 0,
    });

    const row = await rowOf(account.id);
    expect(row.status).toBe("needs_reconnect");
    expect(row.statusReason).toMatch(/Instagram refused to renew access: .*access token/i);
    expect(row.statusReason).not.toContain(accessToken);
    const sent = await tdb.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.kind, "social.account_needs_reconnect")));
    expect(sent).toHaveLength(1);
    expect(queues.email.sent).toHaveLength(1);
    expect(api.count("/refresh_access_token")).toBe(1);
  });

  it("a transient failure is recorded and retried the next hour, not within the hour", async () => {
    const { account } = await accountWith(tdb.db, { ageMs: 50 * DAY, expiresInMs: 4 * DAY });
    api.fail("/refresh_access_token", { status: 503 });
    expect(await refresh()).toMatchObject({ refreshed: 0, failed: 1 });
    const failed = await rowOf(account.id);
    expect(failed).toMatchObject({ status: "active", lastRefreshAttemptAt: NOW });
    expect(failed.lastRefreshError).toMatch(/transient/);

    clock = new Date(NOW.getTime() + 10 * 60_000);
    expect((await refresh()).refreshed).toBe(0);
    clock = new Date(NOW.getTime() + HOUR);
    expect((await refresh()).refreshed).toBe(1);
    expect((await rowOf(account.id)).lastRefreshError).toBeNull();
    expect(api.count("/refresh_access_token")).toBe(2);
  });

  it("a token that already expired needs reconnecting without asking Instagram", async () => {
    const { account } = await accountWith(tdb.db, { ageMs: 61 * DAY, expiresInMs: -HOUR });
    expect((await refresh()).needsReconnect).toBe(1);
    expect((await rowOf(account.id)).statusReason).toMatch(/expired on/);
    expect(api.count("/refresh_access_token")).toBe(0);
  });
});

describe("overlapping runs on a real Postgres server", () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgresServer();
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
  });

  it("two runs at once refresh each due token exactly once", async () => {
    const created = [];
    for (let i = 0; i < 4; i++) created.push(await accountWith(pg.db, { ageMs: 30 * DAY, expiresInMs: (i + 1) * DAY }));
    const handles = [pg.connect(), pg.connect()];
    try {
      const results = await Promise.all(handles.map((handle) => refresh(handle.db, NOW)));
      expect(results.reduce((total, r) => total + r.refreshed, 0)).toBe(4);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
    expect(api.count("/refresh_access_token")).toBe(4);
    for (const { account } of created) expect((await rowOf(account.id, pg.db)).tokenIssuedAt).toEqual(NOW);
  });
});
