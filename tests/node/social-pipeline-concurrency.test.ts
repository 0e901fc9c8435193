import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sandboxMedia, socialPosts } from "../../db/schema";
import { claimDuePosts, runPublishingCron } from "../../server/services/social/pipeline";
import { publishPost } from "../../server/services/social/publish-post";
import { createUser, createWorkspace } from "../support/factories";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import {
  createSandboxAccount,
  createScheduledPost,
  pipelineEnv,
  postById,
  setSandboxBehaviour,
  steppingClock,
} from "../support/social-pipeline";

/** On PGlite every connection shares one backend, so these claims are only meaningful against a real server. */
let pg: PostgresServer;
let workspaceId: string;
const START = new Date("2026-11-22T10:00:00.000Z");

beforeAll(async () => {
  pg = await startPostgresServer();
  const owner = await createUser(pg.db, { name: "Olive Owner" });
  workspaceId = (await createWorkspace(pg.db, owner, "Concurrency studio")).id;
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  // Earlier tests' unfinished posts would otherwise be claimed or recovered by later runs.
  await pg.db
    .update(socialPosts)
    .set({ status: "canceled" })
    .where(inArray(socialPosts.status, ["scheduled", "queued", "publishing"]));
});

/** Runs `fn` once per fresh pool (its own connections), all at once. */
async function concurrently<T>(n: number, fn: (db: PostgresServer["db"], index: number) => Promise<T>): Promise<T[]> {
  const handles = Array.from({ length: n }, () => pg.connect());
  try {
    return await Promise.all(handles.map((handle, index) => fn(handle.db, index)));
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

describe("the publishing pipeline on a real Postgres server", () => {
  it("claims each due post exactly once across overlapping cron runs", async () => {
    const account = await createSandboxAccount(pg.db, workspaceId);
    const posts = [];
    for (let i = 0; i < 40; i++)
      posts.push(
        await createScheduledPost(pg.db, {
          workspaceId,
          accountId: account.id,
          scheduledAt: new Date(START.getTime() - i * 1000),
        }),
      );

    const runs = await concurrently(6, (db) => claimDuePosts({ db, now: START, limit: 15 }));
    const claimedIds = runs.flat().map((delivery) => delivery.postId);
    // Six runs of 15 could take 90; there are 40, and each is taken by exactly one run.
    expect(claimedIds).toHaveLength(40);
    expect(new Set(claimedIds).size).toBe(40);
    const rows = await pg.db
      .select()
      .from(socialPosts)
      .where(
        inArray(
          socialPosts.id,
          posts.map((p) => p.id),
        ),
      );
    expect(rows.every((row) => row.status === "queued" && row.idempotencyKey)).toBe(true);
    const keysByPost = new Map(runs.flat().map((delivery) => [delivery.postId, delivery.idempotencyKey]));
    expect(rows.every((row) => keysByPost.get(row.id) === row.idempotencyKey)).toBe(true);
  });

  it("sends one message per post when whole cron runs overlap", async () => {
    const account = await createSandboxAccount(pg.db, workspaceId);
    const later = new Date(START.getTime() + 3600_000);
    const posts = [];
    for (let i = 0; i < 10; i++)
      posts.push(await createScheduledPost(pg.db, { workspaceId, accountId: account.id, scheduledAt: later }));
    const { env, social } = pipelineEnv();
    const results = await concurrently(4, (db) => runPublishingCron({ db, queue: env.SOCIAL_QUEUE, now: later }));
    expect(results.reduce((sum, r) => sum + Number(r.claimed), 0)).toBe(10);
    const sentPostIds = social.sent.map((m) => (m.body.payload as { postId: string }).postId);
    expect(sentPostIds.sort()).toEqual(posts.map((p) => p.id).sort());
  });

  it("publishes once when the same message is delivered many times at once", async () => {
    const account = await createSandboxAccount(pg.db, workspaceId);
    const post = await createScheduledPost(pg.db, { workspaceId, accountId: account.id, scheduledAt: START });
    const [delivery] = await claimDuePosts({ db: pg.db, now: START });
    expect(delivery.postId).toBe(post.id);
    const { env } = pipelineEnv();

    const results = await concurrently(6, (db) => {
      const time = steppingClock(START);
      return publishPost({
        db,
        env,
        postId: delivery.postId,
        idempotencyKey: delivery.idempotencyKey,
        clock: time.clock,
        sleep: time.sleep,
      });
    });
    expect(results.filter((r) => r.outcome === "published")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "skipped")).toHaveLength(5);
    const media = await pg.db.select().from(sandboxMedia).where(eq(sandboxMedia.accountId, account.id));
    expect(media).toHaveLength(1);
    expect(await postById(pg.db, post.id)).toMatchObject({ status: "published", remoteMediaId: media[0].id });
  });

  it("never publishes a second copy when retries of an unknown outcome race each other", async () => {
    const account = await createSandboxAccount(pg.db, workspaceId);
    await setSandboxBehaviour(pg.db, account.id, { failNext: "timeout_after_publish" });
    const post = await createScheduledPost(pg.db, { workspaceId, accountId: account.id, scheduledAt: START });
    const [delivery] = await claimDuePosts({ db: pg.db, now: START });
    const { env } = pipelineEnv();
    const first = steppingClock(START);
    expect((await publishPost({ db: pg.db, env, ...delivery, clock: first.clock, sleep: first.sleep })).outcome).toBe(
      "retrying",
    );

    const retryAt = new Date(START.getTime() + 60_000);
    const results = await concurrently(4, (db) => {
      const time = steppingClock(retryAt);
      return publishPost({
        db,
        env,
        postId: delivery.postId,
        idempotencyKey: delivery.idempotencyKey,
        clock: time.clock,
        sleep: time.sleep,
      });
    });
    expect(results.filter((r) => r.outcome === "published")).toEqual([
      { outcome: "published", remoteMediaId: expect.any(String), reconciled: true },
    ]);
    expect(await pg.db.select().from(sandboxMedia).where(eq(sandboxMedia.accountId, account.id))).toHaveLength(1);
    expect((await postById(pg.db, post.id)).status).toBe("published");
  });
});
