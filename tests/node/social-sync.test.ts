import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications, sandboxMedia, socialAccounts, socialMediaItems, socialPosts } from "../../db/schema";
import type { Env } from "../../server/env";
import { runAccountSync } from "../../server/services/social/insights";
import { publisherForAccount } from "../../server/services/social/publishers";
import {
  enqueueAccountSyncs,
  SYNC_ACCOUNT_JOB,
  syncAccount,
  type AccountAnalytics,
} from "../../server/services/social/sync";
import { encryptToken } from "../../server/services/social/token-crypto";
import { syncSocialAccountJob } from "../../workers/queues/jobs/sync-social-account";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam, createUser, createWorkspace } from "../support/factories";
import { startInstagramApi, type InstagramApiServer } from "../support/instagram-api";
import { memoryQueue } from "../support/memory-queue";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { callerFor, testConfig, testEnv } from "../support/trpc";

const DAY = 86_400_000;
const NOW = new Date("2026-06-30T12:00:00Z");

let t: TestDatabase;
let api: InstagramApiServer;
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await startInstagramApi({ now: () => NOW });
  team = await createTeam(t.db);
});
afterAll(async () => {
  await api.close();
  await t.close();
});

const envFor = (): Env => testEnv({ ...api.env }).env;

/** A connected Instagram account on the stand-in and its row, token encrypted as the app stores it. */
async function instagramAccount(username: string, opts: { followers?: number } = {}) {
  const { igUserId, accessToken } = api.addAccount({
    username,
    followersCount: opts.followers ?? 1200,
    followsCount: 80,
  });
  const [row] = await t.db
    .insert(socialAccounts)
    .values({
      workspaceId: team.workspace.id,
      provider: "instagram",
      externalId: igUserId,
      username,
      accessTokenEncrypted: await encryptToken(envFor().SOCIAL_TOKEN_KEYS, accessToken),
      tokenIssuedAt: NOW,
      tokenExpiresAt: new Date(NOW.getTime() + 60 * DAY),
    })
    .returning();
  return { row, igUserId, accessToken };
}

const reload = async (accountId: string) =>
  (await t.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId)))[0];
const itemsOf = (accountId: string) =>
  t.db
    .select()
    .from(socialMediaItems)
    .where(eq(socialMediaItems.accountId, accountId))
    .orderBy(asc(socialMediaItems.remoteId));

async function sync(account: typeof socialAccounts.$inferSelect, now = NOW) {
  const env = envFor();
  return syncAccount({
    db: t.db,
    publisher: publisherForAccount({ db: t.db, env, account, now }),
    account,
    now,
    appUrl: testConfig.appUrl,
  });
}

/** `recent` posts a day apart (the newest yesterday) with known insights, and `old` posts from before the window. */
function seed(igUserId: string, recent: number, old = 0) {
  const items = Array.from({ length: recent }, (_, i) => ({
    id: `${igUserId}${String(i).padStart(3, "0")}`,
    timestamp: new Date(NOW.getTime() - (i + 1) * DAY),
    caption: `Post ${i}`,
    likeCount: 10 + i,
    commentsCount: 2,
    insights: { reach: 100 + i * 10, likes: 10 + i, comments: 2, saved: i % 3, views: 150 + i * 10, shares: 1 },
  }));
  const older = Array.from({ length: old }, (_, i) => ({
    id: `${igUserId}old${i}`,
    timestamp: new Date(NOW.getTime() - (120 + i) * DAY),
    likeCount: 1,
  }));
  api.seedMedia(igUserId, [...items, ...older]);
  return items;
}

describe("syncing an Instagram account through the real client", () => {
  it("pages media by cursor until the window ends and stores each post's insights", async () => {
    const { row, igUserId } = await instagramAccount("paging", { followers: 4321 });
    const seeded = seed(igUserId, 27, 30);
    const before = api.requests.length;

    const result = await sync(row);
    expect(result).toMatchObject({ status: "synced", media: 27, pages: 2 });

    const listings = api.requests
      .slice(before)
      .filter((r) => r.method === "GET" && r.endpoint === `/${igUserId}/media`);
    // 57 posts would take three pages of 25; the second page reaches past the window, so there is no third.
    expect(listings).toHaveLength(2);
    expect(listings[0].query.after).toBeUndefined();
    expect(listings[1].query.after).toBeTruthy();
    expect(api.requests.slice(before).filter((r) => r.endpoint.endsWith("/insights"))).toHaveLength(27);

    const items = await itemsOf(row.id);
    expect(items).toHaveLength(27);
    const fifth = items.find((i) => i.remoteId === seeded[4].id)!;
    expect(fifth).toMatchObject({
      workspaceId: team.workspace.id,
      mediaType: "IMAGE",
      mediaProductType: "FEED",
      caption: "Post 4",
      postedAt: seeded[4].timestamp,
      likeCount: 14,
      commentsCount: 2,
      saved: 1,
      reach: 140,
      impressions: 190,
      syncedAt: NOW,
      insightsUpdatedAt: NOW,
    });
    expect(fifth.engagementRate).toBeCloseTo((14 + 2 + 1) / 140, 5);

    const account = await reload(row.id);
    expect(account).toMatchObject({
      followersCount: 4321,
      followsCount: 80,
      lastSyncedAt: NOW,
      lastSyncError: null,
      analyticsUpdatedAt: NOW,
    });
    const analytics = account.analytics as unknown as AccountAnalytics;
    expect(analytics.posts).toBe(27);
    expect(analytics.followers).toBe(4321);
    expect(analytics.totals.likes).toBe(seeded.reduce((sum, s) => sum + s.likeCount, 0));
    expect(analytics.totals.reach).toBe(seeded.reduce((sum, s) => sum + s.insights.reach, 0));
    const rates = items.map((i) => i.engagementRate!);
    expect(analytics.averageEngagementRate).toBeCloseTo(rates.reduce((a, b) => a + b, 0) / rates.length, 5);
    expect(analytics.topPosts[0].engagementRate).toBeCloseTo(Math.max(...rates), 5);
    expect(analytics.topPosts).toHaveLength(5);
    expect(analytics.bestTimes.totalPosts).toBe(27);
  });

  it("stops after the page limit", async () => {
    const { row, igUserId } = await instagramAccount("page-limit");
    seed(igUserId, 60);
    const env = envFor();
    const result = await syncAccount({
      db: t.db,
      publisher: publisherForAccount({ db: t.db, env, account: row, now: NOW }),
      account: row,
      now: NOW,
      appUrl: testConfig.appUrl,
      maxPages: 2,
    });
    expect(result).toMatchObject({ status: "synced", pages: 2, media: 50 });
    expect(await itemsOf(row.id)).toHaveLength(50);
  });

  it("gives identical rows when the same window is synced twice, and updates in place later", async () => {
    const { row, igUserId } = await instagramAccount("twice");
    seed(igUserId, 30);
    await sync(row);
    const first = await itemsOf(row.id);
    const firstAccount = await reload(row.id);
    await sync(await reload(row.id));
    expect(await itemsOf(row.id)).toEqual(first);
    const secondAccount = await reload(row.id);
    expect(secondAccount.analytics).toEqual(firstAccount.analytics);
    expect(secondAccount.lastSyncedAt).toEqual(firstAccount.lastSyncedAt);

    // Six hours later likes have grown on one post: same rows (ids), new numbers, no duplicates.
    const later = new Date(NOW.getTime() + 6 * 3_600_000);
    const post = api.mediaOf(igUserId)[0];
    post.insights.likes += 50;
    await sync(await reload(row.id), later);
    const third = await itemsOf(row.id);
    expect(third.map((i) => i.id)).toEqual(first.map((i) => i.id));
    expect(third.find((i) => i.remoteId === post.id)!.likeCount).toBe(
      first.find((i) => i.remoteId === post.id)!.likeCount! + 50,
    );
    const strip = (rows: typeof first) =>
      rows.filter((r) => r.remoteId !== post.id).map(({ syncedAt, insightsUpdatedAt, ...rest }) => rest);
    expect(strip(third)).toEqual(strip(first));
    expect(third.every((i) => i.syncedAt.getTime() === later.getTime())).toBe(true);
  });

  it("keeps the previous data and records Instagram's message when a sync fails", async () => {
    const { row, igUserId } = await instagramAccount("failing");
    seed(igUserId, 3);
    await sync(row);
    const before = await itemsOf(row.id);
    const accountBefore = await reload(row.id);

    api.fail(`GET /${igUserId}/media`, {
      status: 500,
      body: {
        error: { message: "Please reduce the amount of data you're asking for", code: 1, type: "OAuthException" },
      },
    });
    const later = new Date(NOW.getTime() + 3_600_000);
    const result = await sync(accountBefore, later);
    expect(result).toMatchObject({
      status: "failed",
      kind: "transient",
      message: "Please reduce the amount of data you're asking for",
    });

    const account = await reload(row.id);
    expect(account.lastSyncError).toBe("Please reduce the amount of data you're asking for");
    expect(account.lastSyncedAt).toEqual(NOW);
    expect(account.analytics).toEqual(accountBefore.analytics);
    expect(account.status).toBe("active");
    expect(await itemsOf(row.id)).toEqual(before);

    // The next good sync clears the error.
    await sync(account, later);
    expect((await reload(row.id)).lastSyncError).toBeNull();
  });

  it("keeps a post whose insights Instagram refuses, without insights", async () => {
    const { row, igUserId } = await instagramAccount("no-insights");
    const [refused] = seed(igUserId, 2);
    api.fail(`GET /${refused.id}/insights`, {
      status: 400,
      body: { error: { message: "Media posted before business account conversion", code: 10, type: "OAuthException" } },
    });
    expect(await sync(row)).toMatchObject({ status: "synced", media: 2 });
    const item = (await itemsOf(row.id)).find((i) => i.remoteId === refused.id)!;
    expect(item).toMatchObject({
      likeCount: 10,
      commentsCount: 2,
      reach: null,
      saved: null,
      engagementRate: null,
      insightsUpdatedAt: null,
    });
  });

  it("marks the account as needing reconnect when Instagram rejects the token", async () => {
    const { row, igUserId, accessToken } = await instagramAccount("revoked");
    seed(igUserId, 2);
    api.revokeToken(accessToken);
    const result = await sync(row);
    expect(result.status).toBe("needs_reconnect");
    const account = await reload(row.id);
    expect(account.status).toBe("needs_reconnect");
    expect(account.lastSyncError).toContain("Invalid OAuth access token");
    expect(await itemsOf(row.id)).toHaveLength(0);
    const notes = await t.db.select().from(notifications).where(eq(notifications.workspaceId, team.workspace.id));
    expect(notes.filter((n) => n.kind === "social.account_needs_reconnect").length).toBeGreaterThan(0);
    expect(result.emailIds.length).toBeGreaterThan(0);
  });
});

describe("syncing a Sandbox account", () => {
  it("reads the sandbox feed like Instagram's media list", async () => {
    const [row] = await t.db
      .insert(socialAccounts)
      .values({
        workspaceId: team.workspace.id,
        provider: "sandbox",
        externalId: "sandbox-sync",
        username: "sandbox_sync",
      })
      .returning();
    await t.db.insert(sandboxMedia).values(
      [0, 1, 2].map((i) => ({
        id: `sbx-sync-${i}`,
        accountId: row.id,
        containerId: `sbx-container-${i}`,
        mediaType: "IMAGE",
        caption: `Sandbox ${i}`,
        mediaIds: [],
        likeCount: 5 * (i + 1),
        commentsCount: 1,
        saved: 1,
        reach: 50,
        impressions: 70,
        publishedAt: new Date(NOW.getTime() - (i + 1) * DAY),
      })),
    );
    const result = await runAccountSync({ db: t.db, env: envFor(), account: row, now: NOW, appUrl: testConfig.appUrl });
    expect(result).toMatchObject({ status: "synced", media: 3 });
    const items = await itemsOf(row.id);
    expect(items.map((i) => [i.remoteId, i.likeCount, i.reach])).toEqual([
      ["sbx-sync-0", 5, 50],
      ["sbx-sync-1", 10, 50],
      ["sbx-sync-2", 15, 50],
    ]);
    expect(items[2].engagementRate).toBeCloseTo(17 / 50, 5);
  });
});

describe("posts deleted on Instagram", () => {
  it("drops them from the synced rows, but only within the part of the list the sync read in full", async () => {
    const { row, igUserId } = await instagramAccount("pruned_show");
    const items = seed(igUserId, 30);
    expect((await sync(row)).status).toBe("synced");
    expect(await itemsOf(row.id)).toHaveLength(30);

    // Deleted: the newest post and the oldest; a page-limited sync (25 newest) can only vouch for the newest.
    api.deleteMedia(items[0].id);
    api.deleteMedia(items[29].id);
    await syncAccount({
      db: t.db,
      publisher: publisherForAccount({ db: t.db, env: envFor(), account: row, now: NOW }),
      account: row,
      now: NOW,
      appUrl: testConfig.appUrl,
      maxPages: 1,
    });
    let ids = (await itemsOf(row.id)).map((i) => i.remoteId);
    expect(ids).not.toContain(items[0].id);
    expect(ids).toContain(items[29].id);
    expect(ids).toHaveLength(29);

    // A full sync reaches the window's start and drops the other one too.
    expect((await sync(row)).status).toBe("synced");
    ids = (await itemsOf(row.id)).map((i) => i.remoteId);
    expect(ids).toHaveLength(28);
    expect(ids).not.toContain(items[29].id);
  });
});

describe("permalinks of posts published from Greenroom", () => {
  it("fills a published post's missing permalink from the synced media, and leaves other posts alone", async () => {
    const { row, igUserId } = await instagramAccount("permalink_show");
    const [item] = seed(igUserId, 1);
    const [published] = await t.db
      .insert(socialPosts)
      .values({
        workspaceId: team.workspace.id,
        accountId: row.id,
        caption: "Post 0",
        status: "published",
        remoteMediaId: item.id,
      })
      .returning();
    const [other] = await t.db
      .insert(socialPosts)
      .values({
        workspaceId: team.workspace.id,
        accountId: row.id,
        caption: "Elsewhere",
        status: "published",
        remoteMediaId: "not-synced",
        permalink: null,
      })
      .returning();
    expect((await sync(row)).status).toBe("synced");
    const [synced] = await t.db.select().from(socialMediaItems).where(eq(socialMediaItems.remoteId, item.id));
    expect(synced.permalink).toMatch(/^https?:\/\//);
    const posts = await t.db.select().from(socialPosts).where(eq(socialPosts.accountId, row.id));
    expect(posts.find((p) => p.id === published.id)?.permalink).toBe(synced.permalink);
    expect(posts.find((p) => p.id === other.id)?.permalink).toBeNull();
  });
});

describe("the six-hourly sweep", () => {
  it("queues one sync per active account of every workspace, and the job syncs it", async () => {
    const otherTeam = await createTeam(t.db, "Other studio");
    const { row: ours, igUserId } = await instagramAccount("sweep-ours");
    seed(igUserId, 4);
    const [theirs] = await t.db
      .insert(socialAccounts)
      .values({
        workspaceId: otherTeam.workspace.id,
        provider: "sandbox",
        externalId: "sweep-theirs",
        username: "sweep_theirs",
      })
      .returning();
    const [paused] = await t.db
      .insert(socialAccounts)
      .values({
        workspaceId: team.workspace.id,
        provider: "sandbox",
        externalId: "sweep-paused",
        username: "sweep-paused",
        status: "needs_reconnect",
      })
      .returning();

    const queue = memoryQueue();
    await enqueueAccountSyncs({ db: t.db, queue: queue.queue });
    const queued = queue.jobs(SYNC_ACCOUNT_JOB).map((p) => (p as { accountId: string }).accountId);
    expect(queued).toContain(ours.id);
    expect(queued).toContain(theirs.id);
    expect(queued).not.toContain(paused.id);
    expect(new Set(queued).size).toBe(queued.length);

    const env = envFor();
    const ctx = { db: t.db, env, config: testConfig, now: NOW, attempt: 1 };
    await syncSocialAccountJob.handle({ accountId: ours.id }, ctx);
    await syncSocialAccountJob.handle({ accountId: ours.id }, ctx);
    expect(await itemsOf(ours.id)).toHaveLength(4);
    // An account that stopped being active since it was queued is left alone.
    await syncSocialAccountJob.handle({ accountId: paused.id }, ctx);
    expect((await reload(paused.id)).lastSyncedAt).toBeNull();
  });

  it("throws a transient failure so the queue retries it, after recording it", async () => {
    const { row, igUserId } = await instagramAccount("sweep-retry");
    seed(igUserId, 1);
    api.fail(`GET /${igUserId}/media`, { status: 503 });
    const ctx = { db: t.db, env: envFor(), config: testConfig, now: NOW, attempt: 1 };
    await expect(syncSocialAccountJob.handle({ accountId: row.id }, ctx)).rejects.toThrow(/transient/);
    expect((await reload(row.id)).lastSyncError).toMatch(/unexpected error/);
    await syncSocialAccountJob.handle({ accountId: row.id }, ctx);
    expect(await itemsOf(row.id)).toHaveLength(1);
  });

  it("records a rate limit and leaves the account to the next sweep instead of retrying at once", async () => {
    const { row, igUserId } = await instagramAccount("sweep-throttled");
    seed(igUserId, 1);
    api.rateLimit(`GET /${igUserId}/media`);
    const ctx = { db: t.db, env: envFor(), config: testConfig, now: NOW, attempt: 1 };
    await syncSocialAccountJob.handle({ accountId: row.id }, ctx);
    const account = await reload(row.id);
    expect(account.lastSyncError).toBe("Application request limit reached");
    expect(account.status).toBe("active");
  });
});

describe("Sync now", () => {
  it("syncs one account of the workspace, then refuses again for a few minutes", async () => {
    const [row] = await t.db
      .insert(socialAccounts)
      .values({ workspaceId: team.workspace.id, provider: "sandbox", externalId: "sync-now", username: "sync_now" })
      .returning();
    await t.db.insert(sandboxMedia).values({
      id: "sbx-now-1",
      accountId: row.id,
      containerId: "sbx-now-c1",
      mediaType: "IMAGE",
      mediaIds: [],
      likeCount: 3,
      reach: 30,
      publishedAt: new Date(NOW.getTime() - DAY),
    });
    let now = NOW;
    const editor = callerFor(t.db, team.editor, { clock: () => now, env: envFor() }).api.socialInsights;

    expect(await editor.syncNow({ workspaceId: team.workspace.id, accountId: row.id })).toEqual({
      status: "synced",
      media: 1,
      message: null,
    });
    now = new Date(NOW.getTime() + 60_000);
    await expect(editor.syncNow({ workspaceId: team.workspace.id, accountId: row.id })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: "This account was synced a moment ago. Try again in 4 minutes.",
    });
    const shown = await editor.getAccountAnalytics({ workspaceId: team.workspace.id, accountId: row.id });
    expect(shown.account).toMatchObject({
      lastSyncedAt: NOW,
      lastSyncError: null,
      nextSyncAllowedAt: new Date(NOW.getTime() + 5 * 60_000),
    });
    expect(shown.analytics?.posts).toBe(1);
    expect(shown.analytics?.averageEngagementRate).toBeCloseTo(0.1, 5);

    now = new Date(NOW.getTime() + 5 * 60_000);
    expect((await editor.syncNow({ workspaceId: team.workspace.id, accountId: row.id })).status).toBe("synced");

    // Viewers may look but not sync; an account waiting for a reconnect is not synced.
    const viewer = callerFor(t.db, team.viewer, { clock: () => now, env: envFor() }).api.socialInsights;
    await expect(viewer.syncNow({ workspaceId: team.workspace.id, accountId: row.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await t.db.update(socialAccounts).set({ status: "needs_reconnect" }).where(eq(socialAccounts.id, row.id));
    await expect(editor.syncNow({ workspaceId: team.workspace.id, accountId: row.id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
  });

  it("accepts one of several clicks racing, including clicks while the first sync is still running", async () => {
    const [row] = await t.db
      .insert(socialAccounts)
      .values({ workspaceId: team.workspace.id, provider: "sandbox", externalId: "sync-race", username: "sync_race" })
      .returning();
    const editor = callerFor(t.db, team.editor, { clock: () => NOW, env: envFor() }).api.socialInsights;
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => editor.syncNow({ workspaceId: team.workspace.id, accountId: row.id })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      ["TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"],
    );
  });

  it("marks an account whose token is missing as needing reconnect, instead of failing the job invisibly", async () => {
    const [row] = await t.db
      .insert(socialAccounts)
      .values({
        workspaceId: team.workspace.id,
        provider: "instagram",
        externalId: "no-token",
        username: "no_token",
        status: "active",
      })
      .returning();
    const result = await runAccountSync({ db: t.db, env: envFor(), account: row, now: NOW, appUrl: testConfig.appUrl });
    expect(result.status).toBe("needs_reconnect");
    expect(await reload(row.id)).toMatchObject({ status: "needs_reconnect", lastSyncError: expect.any(String) });
  });

  it("refuses a second sync right after a failed one too", async () => {
    const { row, igUserId } = await instagramAccount("sync-now-failing");
    api.fail(`GET /${igUserId}/media`, { status: 500 });
    const editor = callerFor(t.db, team.editor, { clock: () => NOW, env: envFor() }).api.socialInsights;
    const failed = await editor.syncNow({ workspaceId: team.workspace.id, accountId: row.id });
    expect(failed).toMatchObject({ status: "failed", media: null });
    expect(failed.message).toMatch(/unexpected error/);
    await expect(editor.syncNow({ workspaceId: team.workspace.id, accountId: row.id })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
  });

  it("lists synced media by engagement, a page at a time, and validates the zone for best times", async () => {
    const { row, igUserId } = await instagramAccount("listing");
    seed(igUserId, 7);
    await sync(row);
    const viewer = callerFor(t.db, team.viewer, { clock: () => NOW, env: envFor() }).api.socialInsights;
    const first = await viewer.listMedia({
      workspaceId: team.workspace.id,
      accountId: row.id,
      sort: "engagement",
      limit: 5,
    });
    expect(first.total).toBe(7);
    expect(first.items).toHaveLength(5);
    expect(first.nextOffset).toBe(5);
    const rates = first.items.map((i) => i.engagementRate!);
    expect([...rates].sort((a, b) => b - a)).toEqual(rates);
    const second = await viewer.listMedia({
      workspaceId: team.workspace.id,
      accountId: row.id,
      sort: "engagement",
      limit: 5,
      offset: 5,
    });
    expect(second.items).toHaveLength(2);
    expect(second.nextOffset).toBeNull();
    const recent = await viewer.listMedia({ workspaceId: team.workspace.id, accountId: row.id });
    expect(recent.items[0].postedAt).toEqual(new Date(NOW.getTime() - DAY));

    await expect(
      viewer.getBestTimes({ workspaceId: team.workspace.id, accountId: row.id, timezone: "Not/AZone" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(
      (await viewer.getBestTimes({ workspaceId: team.workspace.id, accountId: row.id, timezone: "Asia/Tokyo" }))
        .totalPosts,
    ).toBe(7);
  });
});

describe("overlapping syncs on a real Postgres server", () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgresServer();
  });
  afterAll(() => pg?.stop());

  it("leave one row per post and the same rows as a single run", async () => {
    const owner = await createUser(pg.db, { name: "Olive Owner" });
    const workspace = await createWorkspace(pg.db, owner, "Overlap studio");
    const { igUserId, accessToken } = api.addAccount({ username: "overlap", followersCount: 10 });
    const [row] = await pg.db
      .insert(socialAccounts)
      .values({
        workspaceId: workspace.id,
        provider: "instagram",
        externalId: igUserId,
        username: "overlap",
        accessTokenEncrypted: await encryptToken(envFor().SOCIAL_TOKEN_KEYS, accessToken),
      })
      .returning();
    seed(igUserId, 30);

    const handles = Array.from({ length: 4 }, () => pg.connect());
    try {
      const env = envFor();
      const results = await Promise.all(
        handles.map(({ db }) =>
          syncAccount({
            db,
            publisher: publisherForAccount({ db, env, account: row, now: NOW }),
            account: row,
            now: NOW,
            appUrl: testConfig.appUrl,
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(["synced", "synced", "synced", "synced"]);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
    const rows = await pg.db
      .select()
      .from(socialMediaItems)
      .where(eq(socialMediaItems.accountId, row.id))
      .orderBy(asc(socialMediaItems.remoteId));
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.remoteId)).size).toBe(30);

    await syncAccount({
      db: pg.db,
      publisher: publisherForAccount({ db: pg.db, env: envFor(), account: row, now: NOW }),
      account: row,
      now: NOW,
      appUrl: testConfig.appUrl,
    });
    expect(
      await pg.db
        .select()
        .from(socialMediaItems)
        .where(eq(socialMediaItems.accountId, row.id))
        .orderBy(asc(socialMediaItems.remoteId)),
    ).toEqual(rows);
  });
});
