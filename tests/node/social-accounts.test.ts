import { and, eq, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditEvents, emails, notifications, socialAccounts, socialOauthStates } from "../../db/schema";
import type { Env } from "../../server/env";
import { instagramOAuthRoutes } from "../../server/http/instagram-oauth";
import { setPlanLocally } from "../../server/services/billing/accounts";
import { getWorkspaceUsage } from "../../server/services/billing/usage";
import {
  completeInstagramConnect,
  InstagramConnectError,
  markAccountNeedsReconnect,
} from "../../server/services/social/accounts";
import { INSTAGRAM_CALLBACK_PATH } from "../../server/services/social/instagram-oauth";
import { decryptToken } from "../../server/services/social/token-crypto";
import type { TrpcContext } from "../../server/trpc/context";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam, createUser, type TestUser } from "../support/factories";
import { startInstagramApi, type InstagramApiServer } from "../support/instagram-api";
import { callerFor, TEST_SOCIAL_TOKEN_KEYS, testConfig, testEnv } from "../support/trpc";

const REDIRECT_URI = `${testConfig.appUrl}${INSTAGRAM_CALLBACK_PATH}`;
const NOW = new Date("2026-03-10T12:00:00Z");

let tdb: TestDatabase;
let api: InstagramApiServer;
let team: Awaited<ReturnType<typeof createTeam>>;
let igUserId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.close();
});
beforeEach(async () => {
  api = await startInstagramApi({ now: () => NOW });
  ({ igUserId } = api.addAccount({
    username: "greenroom.show",
    name: "Greenroom Show",
    followersCount: 5400,
    followsCount: 12,
    mediaCount: 88,
  }));
  team = await createTeam(tdb.db);
});
afterEach(async () => {
  await api.close();
  vi.restoreAllMocks();
});

const envOf = () => ({ ...api.env }) as Partial<Env>;
const callerAt = (user: TestUser, now = NOW) => callerFor(tdb.db, user, { env: envOf(), clock: () => now }).api;
const fullEnv = () => testEnv(envOf()).env;

async function startConnect(user: TestUser = team.owner, now = NOW) {
  const { url } = await callerAt(user, now).socialAccounts.startInstagramConnect({ workspaceId: team.workspace.id });
  return { url: new URL(url), state: new URL(url).searchParams.get("state")! };
}

function complete(state: string, opts: { user?: TestUser; code?: string; now?: Date } = {}) {
  return completeInstagramConnect({
    db: tdb.db,
    env: fullEnv(),
    userId: (opts.user ?? team.owner).id,
    state,
    code: opts.code ?? api.issueAuthorizationCode(igUserId, { redirectUri: REDIRECT_URI }),
    appUrl: testConfig.appUrl,
    meta: {
      ip: "203.0.113.9",
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    },
    now: opts.now ?? NOW,
  });
}

async function connectError(promise: Promise<unknown>): Promise<InstagramConnectError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InstagramConnectError);
  return error as InstagramConnectError;
}

const accountRows = () => tdb.db.select().from(socialAccounts).where(eq(socialAccounts.workspaceId, team.workspace.id));

describe("Instagram connect", () => {
  it("sends the member to Instagram's consent page with the app, scopes and a state stored only as a hash", async () => {
    const { url, state } = await startConnect();
    expect(url.origin).toBe(api.url);
    expect(url.pathname).toBe("/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: api.appId,
      redirect_uri: REDIRECT_URI,
      response_type: "code",
    });
    expect(url.searchParams.get("scope")).toContain("instagram_business_basic,instagram_business_content_publish");
    expect(state.length).toBeGreaterThanOrEqual(40);
    const stored = await tdb.db
      .select()
      .from(socialOauthStates)
      .where(eq(socialOauthStates.workspaceId, team.workspace.id));
    expect(stored).toHaveLength(1);
    expect(stored[0].stateHash).not.toContain(state);
    expect(stored[0]).toMatchObject({
      userId: team.owner.id,
      provider: "instagram",
      expiresAt: new Date(NOW.getTime() + 10 * 60_000),
    });
  });

  it("connects: long-lived token stored encrypted and nowhere in plain text, profile and counts recorded", async () => {
    const logged: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation(
        (...args: unknown[]) => void logged.push(args.map(String).join(" ")),
      );
    }
    const { state } = await startConnect();
    const result = await complete(state);
    expect(result).toMatchObject({ workspaceId: team.workspace.id, reconnected: false });
    expect(result.account).toMatchObject({
      provider: "instagram",
      externalId: igUserId,
      username: "greenroom.show",
      followersCount: 5400,
      mediaCount: 88,
      status: "active",
    });

    const [row] = await accountRows();
    expect(row.accessTokenEncrypted).toMatch(/^v2\./);
    const token = await decryptToken(TEST_SOCIAL_TOKEN_KEYS, row.accessTokenEncrypted!);
    expect(token.length).toBeGreaterThan(20);
    expect(row.tokenIssuedAt).toEqual(NOW);
    expect(row.tokenExpiresAt).toEqual(new Date(NOW.getTime() + 60 * 86_400_000));
    // The exchange went short-lived → long-lived, and the long-lived token is what is stored.
    expect(api.count("POST /oauth/access_token")).toBe(1);
    expect(api.count("GET /access_token")).toBe(1);
    expect(api.requests.find((r) => r.endpoint === "/me")?.tokenVia).toBe("header");

    expect(JSON.stringify(row)).not.toContain(token);
    const everything = await tdb.pglite.query<{ dump: string }>(
      `select row_to_json(t)::text as dump from social_accounts t`,
    );
    expect(everything.rows.some((r) => r.dump.includes(token))).toBe(false);
    expect(logged.join("\n")).not.toContain(token);
    // The state was single use.
    expect(
      await tdb.db.select().from(socialOauthStates).where(eq(socialOauthStates.workspaceId, team.workspace.id)),
    ).toHaveLength(0);

    const listed = await callerAt(team.viewer).socialAccounts.listAccounts({ workspaceId: team.workspace.id });
    expect(listed.instagramConfigured).toBe(true);
    expect(listed.items).toHaveLength(1);
    expect(
      Object.keys(listed.items[0]).filter((key) => /token(?!ExpiresAt)/i.test(key) && key !== "lastRefreshError"),
    ).toEqual([]);
    expect(JSON.stringify(listed)).not.toContain(row.accessTokenEncrypted);

    // Audited in the connection's transaction, with who, where from and the account, never the token.
    const audits = await tdb.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, team.workspace.id), eq(auditEvents.action, "social.account_connected")));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorUserId: team.owner.id, ip: "203.0.113.9" });
    expect(audits[0].detail).toMatchObject({ accountId: row.id, provider: "instagram", reconnected: false });
    expect(JSON.stringify(audits[0])).not.toContain(token);
  });

  it("checks the state: unknown, another member's, expired, and reused states are refused", async () => {
    expect((await connectError(complete("made-up-state"))).outcome).toBe("state_expired");

    const { state } = await startConnect(team.owner);
    const other = await connectError(complete(state, { user: team.admin }));
    expect(other.outcome).toBe("state_other_user");
    // Another member's attempt does not burn the state: its owner can still finish.
    await complete(state);
    expect((await connectError(complete(state))).outcome).toBe("state_expired");

    const late = await startConnect(team.owner);
    const expired = await connectError(complete(late.state, { now: new Date(NOW.getTime() + 11 * 60_000) }));
    expect(expired).toMatchObject({ outcome: "state_expired", workspaceId: team.workspace.id });
    expect(api.count("POST /oauth/access_token")).toBe(1);
  });

  it("reports a failed code exchange without leaking the secret", async () => {
    const { state } = await startConnect();
    const error = await connectError(complete(state, { code: "AQ-never-issued" }));
    expect(error).toMatchObject({ outcome: "exchange_failed", workspaceId: team.workspace.id });
    expect(error.message).not.toContain(api.appSecret);
    expect(await accountRows()).toHaveLength(0);
  });

  it("refuses members who cannot manage accounts, and says when Instagram is not configured", async () => {
    await expect(
      callerAt(team.editor).socialAccounts.startInstagramConnect({ workspaceId: team.workspace.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const unconfigured = callerFor(tdb.db, team.owner, { env: {}, clock: () => NOW }).api;
    await expect(
      unconfigured.socialAccounts.startInstagramConnect({ workspaceId: team.workspace.id }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "Instagram is not configured",
    });
    expect(
      (await unconfigured.socialAccounts.listAccounts({ workspaceId: team.workspace.id })).instagramConfigured,
    ).toBe(false);
  });
});

describe("plan quota", () => {
  it("Free allows one account: a second is refused, reconnecting the same account is not counted twice", async () => {
    const { state } = await startConnect();
    await complete(state);
    const owner = callerAt(team.owner).socialAccounts;
    await expect(
      owner.connectSandboxAccount({ workspaceId: team.workspace.id, username: "second" }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/includes 1 social account, and 1 is connected/),
    });
    const again = await startConnect();
    const reconnected = await complete(again.state);
    expect(reconnected.reconnected).toBe(true);
    expect(await accountRows()).toHaveLength(1);
    expect(
      (await getWorkspaceUsage({ db: tdb.db, workspaceId: team.workspace.id, now: NOW })).socialAccounts,
    ).toMatchObject({ used: 1, limit: 1 });
  });

  it("at the limit a new Instagram account is refused with the quota outcome; one under it connects", async () => {
    await setPlanLocally({
      db: tdb.db,
      workspaceId: team.workspace.id,
      plan: "creator",
      environment: "test",
      now: NOW,
    });
    const owner = callerAt(team.owner).socialAccounts;
    await owner.connectSandboxAccount({ workspaceId: team.workspace.id, username: "one" });
    await owner.connectSandboxAccount({ workspaceId: team.workspace.id, username: "two" });
    const { state } = await startConnect();
    await complete(state);
    expect(
      (await getWorkspaceUsage({ db: tdb.db, workspaceId: team.workspace.id, now: NOW })).socialAccounts,
    ).toMatchObject({ used: 3, limit: 3 });

    const { igUserId: otherIg } = api.addAccount({ username: "other.show" });
    const over = await startConnect();
    const error = await connectError(
      complete(over.state, { code: api.issueAuthorizationCode(otherIg, { redirectUri: REDIRECT_URI }) }),
    );
    expect(error).toMatchObject({ outcome: "quota", workspaceId: team.workspace.id });
    expect(await accountRows()).toHaveLength(3);
  });
});

describe("sandbox, disconnect and needs-reconnect", () => {
  it("connects a clearly labelled Sandbox account without a token", async () => {
    const account = await callerAt(team.admin).socialAccounts.connectSandboxAccount({
      workspaceId: team.workspace.id,
      username: "@studio.test",
    });
    expect(account).toMatchObject({
      provider: "sandbox",
      username: "studio.test",
      displayName: "studio.test (Sandbox)",
      followersCount: 0,
      mediaCount: 0,
      status: "active",
    });
    expect(account.externalId).toMatch(/^sandbox_/);
    const [row] = await accountRows();
    expect(row.accessTokenEncrypted).toBeNull();
    await expect(
      callerAt(team.admin).socialAccounts.connectSandboxAccount({
        workspaceId: team.workspace.id,
        username: "bad name!",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("disconnect removes the token and frees the plan place; the account reads as disconnected", async () => {
    const { state } = await startConnect();
    const { account } = await complete(state);
    const owner = callerAt(team.owner).socialAccounts;
    const disconnected = await owner.disconnectAccount({ workspaceId: team.workspace.id, accountId: account.id });
    expect(disconnected).toMatchObject({ status: "disconnected", disconnectedAt: NOW });
    const [row] = await accountRows();
    expect(row).toMatchObject({ accessTokenEncrypted: null, tokenExpiresAt: null, status: "disconnected" });
    expect((await owner.listAccounts({ workspaceId: team.workspace.id })).items).toEqual([]);
    expect(
      (await owner.listAccounts({ workspaceId: team.workspace.id, includeDisconnected: true })).items,
    ).toHaveLength(1);
    expect(
      (await getWorkspaceUsage({ db: tdb.db, workspaceId: team.workspace.id, now: NOW })).socialAccounts.used,
    ).toBe(0);
    await owner.connectSandboxAccount({ workspaceId: team.workspace.id, username: "fits.now" });
    await expect(
      callerAt(team.viewer).socialAccounts.disconnectAccount({ workspaceId: team.workspace.id, accountId: account.id }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("needs-reconnect notifies owners and admins once per token, and reconnecting clears it", async () => {
    const { state } = await startConnect();
    const { account } = await complete(state);
    const mark = (now: Date) =>
      markAccountNeedsReconnect({
        db: tdb.db,
        workspaceId: team.workspace.id,
        accountId: account.id,
        reason: "Session has expired",
        now,
        appUrl: testConfig.appUrl,
      });
    const first = await mark(NOW);
    expect(first.changed).toBe(true);
    expect(first.emailIds).toHaveLength(2);
    const second = await mark(new Date(NOW.getTime() + 3_600_000));
    expect(second).toEqual({ changed: false, emailIds: [] });
    const sent = await tdb.db
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.workspaceId, team.workspace.id), eq(notifications.kind, "social.account_needs_reconnect")),
      );
    expect(sent.map((n) => n.userId).sort()).toEqual([team.owner.id, team.admin.id].sort());
    expect(sent[0]).toMatchObject({
      title: "Reconnect @greenroom.show",
      link: `/w/${team.workspace.id}/social/accounts`,
      emailed: true,
    });
    const [flagged] = await accountRows();
    expect(flagged).toMatchObject({
      status: "needs_reconnect",
      statusReason: "Session has expired",
      reconnectNotifiedAt: NOW,
    });

    const later = new Date(NOW.getTime() + 86_400_000);
    const again = await startConnect(team.owner, later);
    const { account: back } = await complete(again.state, { now: later });
    expect(back).toMatchObject({ id: account.id, status: "active", statusReason: null });
    const [cleared] = await accountRows();
    expect(cleared.reconnectNotifiedAt).toBeNull();
    // A new token that fails again is news again.
    const third = await mark(new Date(later.getTime() + 1000));
    expect(third.emailIds).toHaveLength(2);
    const recorded = await tdb.db
      .select()
      .from(emails)
      .where(inArray(emails.id, [...first.emailIds, ...third.emailIds]));
    expect(recorded.map((e) => e.to).sort()).toEqual(
      [team.owner.email, team.owner.email, team.admin.email, team.admin.email].sort(),
    );
  });
});

describe("GET /api/social/instagram/callback", () => {
  function callbackApp(user: TestUser | null) {
    const app = new Hono<{ Variables: { trpc: TrpcContext } }>();
    app.use("*", async (c, next) => {
      c.set("trpc", {
        db: tdb.db,
        env: fullEnv(),
        config: testConfig,
        meta: { ip: null, userAgent: null },
        auth: user ? user.session : null,
        clock: () => NOW,
        responseHeaders: new Headers(),
      });
      await next();
    });
    app.route("/", instagramOAuthRoutes);
    return app;
  }

  it("connects and redirects to the accounts page with the connected notice", async () => {
    const { url } = await startConnect();
    const consent = await fetch(url, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!.replace(/#_$/, ""));
    expect(back.pathname).toBe(INSTAGRAM_CALLBACK_PATH);
    const response = await callbackApp(team.owner).request(`${back.pathname}${back.search}`);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/w/${team.workspace.id}/social/accounts?connect=connected`);
    expect(await accountRows()).toHaveLength(1);
  });

  it("reports a refusal, an expired state and a signed-out visitor", async () => {
    api.setAuthorizingAccount(null);
    const { url, state } = await startConnect();
    const consent = await fetch(url, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!.replace(/#_$/, ""));
    expect(back.searchParams.get("error")).toBe("access_denied");
    const denied = await callbackApp(team.owner).request(`${back.pathname}${back.search}`);
    expect(denied.headers.get("location")).toBe(`/w/${team.workspace.id}/social/accounts?connect=denied`);
    expect(
      await tdb.db.select().from(socialOauthStates).where(eq(socialOauthStates.workspaceId, team.workspace.id)),
    ).toHaveLength(0);

    const spent = await callbackApp(team.owner).request(`${INSTAGRAM_CALLBACK_PATH}?code=abc&state=${state}`);
    expect(spent.status).toBe(400);
    expect(await spent.text()).toContain("expired or was already used");

    const stranger = await createUser(tdb.db);
    const signedOut = await callbackApp(null).request(`${INSTAGRAM_CALLBACK_PATH}?code=abc&state=${state}`);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe(
      `/login?redirectTo=${encodeURIComponent(`${INSTAGRAM_CALLBACK_PATH}?code=abc&state=${state}`)}`,
    );
    const notMember = await callbackApp(stranger).request(`${INSTAGRAM_CALLBACK_PATH}?code=abc`);
    expect(notMember.status).toBe(400);
  });
});
