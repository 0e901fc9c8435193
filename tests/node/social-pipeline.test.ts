import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  notifications,
  sandboxContainers,
  sandboxMedia,
  socialAccounts,
  socialApiUsage,
  socialPosts,
} from "../../db/schema";
import { socialMediaLink, resolveSocialMediaLink } from "../../server/services/social/media-links";
import {
  claimDuePosts,
  PUBLISH_SOCIAL_POST_JOB,
  PUBLISHING_LEASE_SECONDS,
  runPublishingCron,
  STALLED_QUEUED_SECONDS,
  TAKEN_OVER_REASON,
} from "../../server/services/social/pipeline";
import {
  CONTAINER_PROCESSING_TIMEOUT_SECONDS,
  CONTAINER_RECHECK_SECONDS,
  MAX_PUBLISH_ATTEMPTS,
  publishPost,
  RECONNECT_RECHECK_SECONDS,
  RETRY_BACKOFF_SECONDS,
} from "../../server/services/social/publish-post";
import { hourStartOf } from "../../server/services/social/publishers";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import {
  createReadyMedia,
  createSandboxAccount,
  createScheduledPost,
  deliverAll,
  pipelineEnv,
  postById,
  setSandboxBehaviour,
  steppingClock,
} from "../support/social-pipeline";

let t: TestDatabase;
let workspaceId: string;
const START = new Date("2026-11-22T10:00:00.000Z");

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { name: "Olive Owner" });
  workspaceId = (await createWorkspace(t.db, owner, "Pipeline studio")).id;
});

afterAll(async () => {
  await t?.close();
});

/** Each test gets its own account (so quota and behaviour do not leak), clock, and recording queues. */
let harness: Awaited<ReturnType<typeof setup>>;
async function setup() {
  const time = steppingClock(START);
  const { env, email, social } = pipelineEnv();
  const account = await createSandboxAccount(t.db, workspaceId);
  const cron = () => runPublishingCron({ db: t.db, queue: env.SOCIAL_QUEUE, now: time.clock() });
  const deliver = () => deliverAll({ db: t.db, env, social, clock: time.clock, sleep: time.sleep });
  return { time, env, email, social, account, cron, deliver };
}
beforeEach(async () => {
  // Tests share one database and start at the same instant: earlier tests' unfinished posts must not be claimed.
  await t.db
    .update(socialPosts)
    .set({ status: "canceled" })
    .where(inArray(socialPosts.status, ["scheduled", "queued", "publishing"]));
  harness = await setup();
});

const mediaRows = async (accountId: string) =>
  t.db.select().from(sandboxMedia).where(eq(sandboxMedia.accountId, accountId));
const notificationsFor = async (postId: string, kind: "social.post_published" | "social.post_failed") => {
  const rows = await t.db.select().from(notifications).where(eq(notifications.kind, kind));
  return rows.filter((row) => row.dedupeKey.includes(postId));
};

describe("claiming due posts", () => {
  it("claims a post due within the next minute once, with a delay until its time", async () => {
    const { cron, social, account } = harness;
    const post = await createScheduledPost(t.db, {
      workspaceId,
      accountId: account.id,
      scheduledAt: new Date(START.getTime() + 30_000),
    });
    const later = await createScheduledPost(t.db, {
      workspaceId,
      accountId: account.id,
      scheduledAt: new Date(START.getTime() + 5 * 60_000),
    });

    expect(await cron()).toEqual({ claimed: 1, requeued: 0, takenOver: 0 });
    const claimed = await postById(t.db, post.id);
    expect(claimed.status).toBe("queued");
    expect(claimed.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(social.sent).toEqual([
      {
        body: { job: PUBLISH_SOCIAL_POST_JOB, payload: { postId: post.id, idempotencyKey: claimed.idempotencyKey } },
        delaySeconds: 30,
      },
    ]);
    expect((await postById(t.db, later.id)).status).toBe("scheduled");

    // A second run in the same minute finds nothing left to claim.
    expect(await claimDuePosts({ db: t.db, now: START })).toEqual([]);
    expect(social.sent).toHaveLength(1);
  });

  it("re-sends a queued post whose message was lost, with the same key", async () => {
    const { cron, social, time, account } = harness;
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    const key = (await postById(t.db, post.id)).idempotencyKey;
    social.sent.splice(0);

    time.advance(60);
    expect((await cron()).requeued).toBe(0);
    time.advance(5 * 60);
    expect(await cron()).toMatchObject({ requeued: 1, claimed: 0 });
    expect(social.jobs(PUBLISH_SOCIAL_POST_JOB)).toEqual([{ postId: post.id, idempotencyKey: key }]);
  });
});

describe("publishing a sandbox post", () => {
  it("goes scheduled → queued → publishing → published with the remote id, permalink and one notification", async () => {
    const { cron, deliver, time, account, email } = harness;
    const post = await createScheduledPost(t.db, {
      workspaceId,
      accountId: account.id,
      scheduledAt: new Date(START.getTime() + 20_000),
      caption: "New episode! #podcast",
    });
    await cron();
    time.advance(20);
    const [result] = await deliver();

    const media = await mediaRows(account.id);
    expect(media).toHaveLength(1);
    expect(result).toEqual({ outcome: "published", remoteMediaId: media[0].id, reconciled: false });
    const published = await postById(t.db, post.id);
    expect(published).toMatchObject({
      status: "published",
      remoteMediaId: media[0].id,
      containerStatus: "PUBLISHED",
      attempts: 0,
      lastError: null,
    });
    expect(published.permalink).toBe(`/w/${workspaceId}/social/sandbox#${media[0].id}`);
    expect(published.publishRequestedAt).not.toBeNull();
    // Published within the in-invocation polls: the sandbox's 3 s processing, nowhere near 60 s late.
    expect(published.publishedAt!.getTime() - post.scheduledAt!.getTime()).toBeLessThan(60_000);
    expect(media[0]).toMatchObject({ caption: "New episode! #podcast", mediaType: "IMAGE" });
    expect(await notificationsFor(post.id, "social.post_published")).toHaveLength(1);
    expect(email.jobs("email.send")).toHaveLength(1);
  });

  it("publishes once when the same message is delivered twice (and says why the duplicate did nothing)", async () => {
    const { cron, social, time, env, account, email } = harness;
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    const [message] = social.sent.splice(0);
    const payload = message.body.payload as { postId: string; idempotencyKey: string };
    const run = () => publishPost({ db: t.db, env, ...payload, clock: time.clock, sleep: time.sleep });

    expect((await run()).outcome).toBe("published");
    const duplicate = await run();
    expect(duplicate).toEqual({ outcome: "skipped", reason: "The post is published; nothing to do." });
    const stale = await publishPost({
      db: t.db,
      env,
      postId: post.id,
      idempotencyKey: crypto.randomUUID(),
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(stale.outcome).toBe("skipped");
    expect(await mediaRows(account.id)).toHaveLength(1);
    expect(await notificationsFor(post.id, "social.post_published")).toHaveLength(1);
    expect(email.sent).toHaveLength(1);
  });

  it("publishes a carousel from child containers with every library file", async () => {
    const { cron, deliver, account } = harness;
    const files = [
      await createReadyMedia(t.db, workspaceId),
      await createReadyMedia(t.db, workspaceId, "video"),
      await createReadyMedia(t.db, workspaceId),
    ];
    const post = await createScheduledPost(t.db, {
      workspaceId,
      accountId: account.id,
      scheduledAt: START,
      type: "carousel",
      mediaIds: files.map((f) => f.id),
    });
    await cron();
    const [result] = await deliver();
    expect(result.outcome).toBe("published");
    const [media] = await mediaRows(account.id);
    expect(media).toMatchObject({ mediaType: "CAROUSEL_ALBUM", mediaIds: files.map((f) => f.id) });
    expect((await postById(t.db, post.id)).remoteMediaId).toBe(media.id);
  });

  it("waits in the queue, without counting an attempt, while a container is still processing", async () => {
    const { cron, deliver, time, social, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { processingSeconds: 45 });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    const [first] = await deliver();
    expect(first).toMatchObject({
      outcome: "waiting",
      reason: "The Sandbox is still processing the media; checking again at 2026-11-22 10:00 UTC.",
    });
    expect(await postById(t.db, post.id)).toMatchObject({
      status: "queued",
      attempts: 0,
      containerStatus: "IN_PROGRESS",
      lastError: expect.stringMatching(/^The Sandbox is still processing the media/),
    });
    expect(social.sent.map((m) => m.delaySeconds)).toEqual([30]);
    time.advance(30);
    // A continuing wait reads the status once per delivery instead of polling again.
    expect((await deliver())[0].outcome).toBe("waiting");
    expect(await postById(t.db, post.id)).toMatchObject({ status: "queued", attempts: 0 });
    time.advance(30);
    const [third] = await deliver();
    expect(third.outcome).toBe("published");
    expect(await mediaRows(account.id)).toHaveLength(1);
  });
});

describe("failures", () => {
  it("retries transient failures with backoff and gives up after exactly 3 attempts with the reason", async () => {
    const { cron, deliver, time, social, account, email } = harness;
    await setSandboxBehaviour(t.db, account.id, {
      failNext: "transient",
      times: 5,
      message: "Service temporarily unavailable (503)",
    });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();

    const first = await deliver();
    expect(first).toEqual([
      {
        outcome: "retrying",
        attempts: 1,
        until: new Date(START.getTime() + RETRY_BACKOFF_SECONDS[0] * 1000),
        reason: "Service temporarily unavailable (503)",
      },
    ]);
    expect(await postById(t.db, post.id)).toMatchObject({ status: "queued", attempts: 1, errorKind: "transient" });
    expect(social.sent.map((m) => m.delaySeconds)).toEqual([RETRY_BACKOFF_SECONDS[0]]);
    time.advance(RETRY_BACKOFF_SECONDS[0]);

    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 2 });
    expect(social.sent.map((m) => m.delaySeconds)).toEqual([RETRY_BACKOFF_SECONDS[1]]);
    time.advance(RETRY_BACKOFF_SECONDS[1]);

    const [last] = await deliver();
    const reason =
      "Gave up after 3 attempts in total (the first try and 2 retries): Service temporarily unavailable (503)";
    expect(last).toEqual({ outcome: "failed", errorKind: "transient", reason });
    expect(await postById(t.db, post.id)).toMatchObject({
      status: "failed",
      attempts: MAX_PUBLISH_ATTEMPTS,
      lastError: reason,
    });
    expect(social.sent).toHaveLength(0);
    // Exactly three failures fired; two of the five injected remain.
    const [row] = await t.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
    expect(row.sandboxBehaviour).toMatchObject({ failNext: "transient", times: 2 });
    expect(await mediaRows(account.id)).toHaveLength(0);
    expect(await notificationsFor(post.id, "social.post_failed")).toHaveLength(1);
    expect(email.sent).toHaveLength(1);
  });

  it("after a publish request, the 3rd failure first checks the account once more, then gives up", async () => {
    const { cron, deliver, time, account, social } = harness;
    await setSandboxBehaviour(t.db, account.id, { processingSeconds: 45 });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    expect((await deliver())[0].outcome).toBe("waiting");
    // The container exists; now every publish call fails before taking effect.
    await setSandboxBehaviour(t.db, account.id, {
      failNext: "transient",
      times: 3,
      message: "Publish endpoint unavailable",
    });
    time.advance(60);
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    expect((await postById(t.db, post.id)).publishRequestedAt).not.toBeNull();
    time.advance(RETRY_BACKOFF_SECONDS[0]);
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 2 });
    time.advance(RETRY_BACKOFF_SECONDS[1]);
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 3 });
    expect(social.sent).toHaveLength(1);
    time.advance(60);
    // The container was never published, so the outcome is known (not published) and the post is unlocked.
    expect(await deliver()).toEqual([
      {
        outcome: "failed",
        errorKind: "transient",
        reason: "Gave up after 3 attempts in total (the first try and 2 retries): Publish endpoint unavailable",
      },
    ]);
    expect(await postById(t.db, post.id)).toMatchObject({ status: "failed", attempts: 3, publishRequestedAt: null });
    expect(await mediaRows(account.id)).toHaveLength(0);
  });

  it("fails a permanent error immediately with the provider's message", async () => {
    const { cron, deliver, social, account } = harness;
    await setSandboxBehaviour(t.db, account.id, {
      failNext: "permanent",
      message: "The caption contains a blocked hashtag.",
    });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    expect(await deliver()).toEqual([
      { outcome: "failed", errorKind: "permanent", reason: "The caption contains a blocked hashtag." },
    ]);
    expect(await postById(t.db, post.id)).toMatchObject({
      status: "failed",
      attempts: 0,
      errorKind: "permanent",
      lastError: "The caption contains a blocked hashtag.",
    });
    expect(social.sent).toHaveLength(0);
  });

  it("fails with the container's ERROR message", async () => {
    const { cron, deliver, account } = harness;
    await setSandboxBehaviour(t.db, account.id, {
      failNext: "container_error",
      message: "The image's aspect ratio is not supported.",
    });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    expect(await deliver()).toEqual([
      { outcome: "failed", errorKind: "permanent", reason: "The image's aspect ratio is not supported." },
    ]);
    expect(await postById(t.db, post.id)).toMatchObject({
      status: "failed",
      containerStatus: "ERROR",
      lastError: "The image's aspect ratio is not supported.",
    });
    expect(await mediaRows(account.id)).toHaveLength(0);
  });

  it("reconciles a timeout after publish instead of publishing a second copy", async () => {
    const { cron, deliver, time, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { failNext: "timeout_after_publish" });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    const [first] = await deliver();
    expect(first).toMatchObject({ outcome: "retrying", attempts: 1 });
    const unknown = await postById(t.db, post.id);
    expect(unknown.publishRequestedAt).not.toBeNull();
    expect(unknown.remoteMediaId).toBeNull();
    expect(await mediaRows(account.id)).toHaveLength(1);

    time.advance(RETRY_BACKOFF_SECONDS[0]);
    const [second] = await deliver();
    const media = await mediaRows(account.id);
    expect(media).toHaveLength(1);
    expect(second).toEqual({ outcome: "published", remoteMediaId: media[0].id, reconciled: true });
    expect(await postById(t.db, post.id)).toMatchObject({
      status: "published",
      remoteMediaId: media[0].id,
      lastError: null,
    });
    expect(await notificationsFor(post.id, "social.post_published")).toHaveLength(1);
    // The cached 24-hour allowance counts the reconciled publish (it was read before the publish went out).
    const [row] = await t.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
    expect(row.publishQuotaUsage).toBe(1);
  });

  it("records a post as published, unlinked, when the container says published but the media never shows up", async () => {
    const { cron, deliver, time, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { failNext: "timeout_after_publish" });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    // Someone edits the caption on the network: reconciliation can no longer match it, only the container knows.
    await t.db.update(sandboxMedia).set({ caption: "Edited elsewhere" }).where(eq(sandboxMedia.accountId, account.id));

    time.advance(RETRY_BACKOFF_SECONDS[0]);
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 2 });
    time.advance(60);
    expect((await deliver())[0]).toEqual({ outcome: "published", remoteMediaId: null, reconciled: true });
    const published = await postById(t.db, post.id);
    expect(published).toMatchObject({ status: "published", remoteMediaId: null, containerStatus: "PUBLISHED" });
    expect(published.lastError).toMatch(/not found among the account's recent media/);
    expect(await mediaRows(account.id)).toHaveLength(1);
  });

  it("replaces a container that expired while the post waited, and publishes once", async () => {
    const { cron, deliver, time, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { processingSeconds: 45 });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    expect((await deliver())[0].outcome).toBe("waiting");
    const firstContainer = (await postById(t.db, post.id)).containerId;
    await setSandboxBehaviour(t.db, account.id, null);

    time.advance(25 * 3600);
    expect((await deliver())[0].outcome).toBe("published");
    const published = await postById(t.db, post.id);
    expect(published.containerId).not.toBe(firstContainer);
    expect(await t.db.select().from(sandboxContainers).where(eq(sandboxContainers.accountId, account.id))).toHaveLength(
      2,
    );
    expect(await mediaRows(account.id)).toHaveLength(1);
  });

  it("fails posts of disconnected accounts; posts of needs-reconnect accounts wait for the reconnect", async () => {
    const { cron, deliver, time } = harness;
    const gone = await createSandboxAccount(t.db, workspaceId, { username: "gone", status: "disconnected" });
    const stale = await createSandboxAccount(t.db, workspaceId, {
      username: "stale",
      status: "needs_reconnect",
      statusReason: "The token expired.",
    });
    const goneAt = await createScheduledPost(t.db, { workspaceId, accountId: gone.id, scheduledAt: START });
    const staleAt = await createScheduledPost(t.db, { workspaceId, accountId: stale.id, scheduledAt: START });
    await cron();
    await deliver();
    expect(await postById(t.db, goneAt.id)).toMatchObject({ status: "failed", errorKind: "permanent" });
    expect((await postById(t.db, goneAt.id)).lastError).toMatch(/@gone is disconnected/);
    const waiting = await postById(t.db, staleAt.id);
    expect(waiting).toMatchObject({
      status: "scheduled",
      errorKind: "reconnect",
      attempts: 0,
      nextAttemptAt: new Date(START.getTime() + RECONNECT_RECHECK_SECONDS * 1000),
    });
    expect(waiting.lastError).toBe(
      "Waiting for @stale to be reconnected (The token expired); the post is checked again at 2026-11-22 11:00 UTC.",
    );

    // Once reconnected, the post is claimed again at its new time and published.
    await t.db
      .update(socialAccounts)
      .set({ status: "active", statusReason: null })
      .where(eq(socialAccounts.id, stale.id));
    time.set(waiting.nextAttemptAt!);
    expect((await cron()).claimed).toBe(1);
    expect((await deliver())[0].outcome).toBe("published");
    expect(await mediaRows(stale.id)).toHaveLength(1);
  });

  it("reconciles a post whose outcome is unknown even after its account started needing a reconnect", async () => {
    const { cron, deliver, time, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { failNext: "timeout_after_publish" });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    await t.db
      .update(socialAccounts)
      .set({ status: "needs_reconnect", statusReason: "The token expired." })
      .where(eq(socialAccounts.id, account.id));
    time.advance(RETRY_BACKOFF_SECONDS[0]);
    const media = await mediaRows(account.id);
    expect(await deliver()).toEqual([{ outcome: "published", remoteMediaId: media[0].id, reconciled: true }]);
    expect(await mediaRows(account.id)).toHaveLength(1);
    const [row] = await t.db.select().from(socialPosts).where(eq(socialPosts.id, post.id));
    expect(row).toMatchObject({ status: "published", remoteMediaId: media[0].id });
  });

  it("keeps a post whose outcome is unknown queued while its account cannot be checked, and fails it clearly once disconnected", async () => {
    const { cron, deliver, time, social } = harness;
    const [instagram] = await t.db
      .insert(socialAccounts)
      .values({
        workspaceId,
        provider: "instagram",
        externalId: "17841400000000002",
        username: "unchecked",
        status: "needs_reconnect",
        accessTokenEncrypted: null,
      })
      .returning();
    const post = await createScheduledPost(t.db, { workspaceId, accountId: instagram.id, scheduledAt: START });
    // A publish request whose answer was lost, as an earlier run left it.
    await t.db
      .update(socialPosts)
      .set({ containerId: "17900000000000001", publishRequestedAt: START })
      .where(eq(socialPosts.id, post.id));
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "deferred" });
    const waiting = await postById(t.db, post.id);
    expect(waiting).toMatchObject({
      status: "queued",
      errorKind: "reconnect",
      containerId: "17900000000000001",
      attempts: 0,
    });
    expect(waiting.lastError).toMatch(/^Waiting for @unchecked to be reconnected/);
    expect(social.sent.map((m) => m.delaySeconds)).toEqual([RECONNECT_RECHECK_SECONDS]);

    await t.db.update(socialAccounts).set({ status: "disconnected" }).where(eq(socialAccounts.id, instagram.id));
    time.advance(RECONNECT_RECHECK_SECONDS);
    const [last] = await deliver();
    expect(last).toMatchObject({ outcome: "failed", errorKind: "permanent" });
    const failed = await postById(t.db, post.id);
    expect(failed).toMatchObject({ status: "failed", containerId: "17900000000000001" });
    expect(failed.lastError).toMatch(
      /^The outcome is unknown: the post may have been published \(@unchecked was disconnected before the publish was confirmed\)\. Check @unchecked on Instagram/,
    );
  });

  it("gives up on a container still processing after the time limit, checking it once per delivery meanwhile", async () => {
    const { cron, deliver, time, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { processingSeconds: 24 * 3600 });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    let deliveries = 0;
    let result;
    do {
      [result] = await deliver();
      deliveries++;
      if (result.outcome === "waiting")
        expect((await postById(t.db, post.id)).lastError).toMatch(
          /^The Sandbox is still processing the media; checking again at /,
        );
      time.advance(CONTAINER_RECHECK_SECONDS);
    } while (result.outcome === "waiting" && deliveries < 500);
    expect(result).toEqual({
      outcome: "failed",
      errorKind: "permanent",
      reason:
        "The Sandbox was still processing the media 30 minutes later; try another file or schedule the post again.",
    });
    // About one delivery per recheck interval until the limit, not one a day until the container expires.
    expect(deliveries).toBeLessThanOrEqual(CONTAINER_PROCESSING_TIMEOUT_SECONDS / CONTAINER_RECHECK_SECONDS + 1);
    // Limit check, creation and 4 status reads in the first run; later runs read the status once (and the limit now and then).
    const calls = (await t.db.select().from(socialApiUsage).where(eq(socialApiUsage.accountId, account.id))).reduce(
      (sum, row) => sum + row.calls,
      0,
    );
    expect(calls).toBeLessThanOrEqual(6 + (deliveries - 1) * 2);
    expect(await mediaRows(account.id)).toHaveLength(0);
  });

  it("counts the processing limit from the container's creation, even when a lost message is re-sent meanwhile", async () => {
    const { cron, deliver, time, social, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { processingSeconds: 24 * 3600 });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "waiting" });
    const created = (await postById(t.db, post.id)).containerCreatedAt;
    expect(created).toEqual(START);
    // Each delayed message is lost; the cron re-sends it after the stalled-message window.
    const gap = STALLED_QUEUED_SECONDS + 60;
    for (let i = 0; i < 2; i++) {
      social.sent.splice(0);
      time.advance(gap);
      await cron();
      expect((await deliver())[0]).toMatchObject({ outcome: "waiting" });
    }
    social.sent.splice(0);
    time.advance(CONTAINER_PROCESSING_TIMEOUT_SECONDS - 2 * gap);
    await cron();
    expect((await deliver())[0]).toMatchObject({
      outcome: "failed",
      reason: expect.stringContaining("30 minutes later"),
    });
    expect((await postById(t.db, post.id)).containerCreatedAt).toEqual(created);
  });

  it("does not take a same-caption media as its own when its container says it was never published", async () => {
    const { cron, deliver, time, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { processingSeconds: 45 });
    const post = await createScheduledPost(t.db, {
      workspaceId,
      accountId: account.id,
      scheduledAt: START,
      caption: "Same words #podcast",
    });
    await cron();
    expect((await deliver())[0].outcome).toBe("waiting");
    await setSandboxBehaviour(t.db, account.id, { failNext: "transient", message: "Publish endpoint unavailable" });
    time.advance(60);
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    // Someone publishes the same caption by hand meanwhile.
    await t.db.insert(sandboxMedia).values({
      id: "sbm_by_hand",
      accountId: account.id,
      containerId: "sbc_by_hand",
      mediaType: "IMAGE",
      caption: "Same words #podcast",
      mediaIds: [],
      publishedAt: time.clock(),
    });
    time.advance(RETRY_BACKOFF_SECONDS[0]);
    const [retry] = await deliver();
    expect(retry).toMatchObject({ outcome: "published", reconciled: false });
    expect((await postById(t.db, post.id)).remoteMediaId).not.toBe("sbm_by_hand");
    expect(await mediaRows(account.id)).toHaveLength(2);
  });
});

describe("limits", () => {
  it("defers at the publishing quota without burning an attempt, then publishes when claimed again", async () => {
    const { cron, deliver, time, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { publishingLimit: 1 });
    const first = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    const second = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    const results = await deliver();
    expect(results.map((r) => r.outcome).sort()).toEqual(["deferred", "published"]);
    const deferredId = (await postById(t.db, first.id)).status === "scheduled" ? first.id : second.id;
    const deferred = await postById(t.db, deferredId);
    // The other post published first (its container took 3 s), so the deferral starts 3 s after START.
    expect(deferred).toMatchObject({
      status: "scheduled",
      attempts: 0,
      errorKind: "deferred",
      nextAttemptAt: new Date(time.clock().getTime() + 3600_000),
    });
    expect(deferred.lastError).toMatch(
      /published its 1 posts allowed in 24 hours; trying again at 2026-11-22 11:00 UTC/,
    );

    time.advance(30 * 60);
    expect((await cron()).claimed).toBe(0);
    await setSandboxBehaviour(t.db, account.id, { publishingLimit: 2 });
    time.advance(30 * 60 + 3);
    expect((await cron()).claimed).toBe(1);
    expect((await deliver())[0].outcome).toBe("published");
    expect(await mediaRows(account.id)).toHaveLength(2);
  });

  it("defers when Meta's usage headers reported 90% this hour, until the next hour", async () => {
    const { cron, deliver, account } = harness;
    await t.db
      .insert(socialApiUsage)
      .values({ accountId: account.id, hourStart: hourStartOf(START), calls: 40, maxUsagePercent: 93 });
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "deferred", until: new Date("2026-11-22T11:00:00.000Z") });
    expect((await postById(t.db, post.id)).lastError).toMatch(/93% of Instagram's limit/);
  });

  it("records API calls per account per hour", async () => {
    const { cron, deliver, account } = harness;
    await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    await deliver();
    const [usage] = await t.db
      .select()
      .from(socialApiUsage)
      .where(and(eq(socialApiUsage.accountId, account.id), eq(socialApiUsage.hourStart, hourStartOf(START))));
    // limit check, container, status polls, publish, permalink.
    expect(usage.calls).toBeGreaterThanOrEqual(5);
  });
});

describe("recovery", () => {
  it("takes over a post whose consumer died mid-publish once the lease expires", async () => {
    const { cron, social, time, env, account } = harness;
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    const [message] = social.sent.splice(0);
    // The consumer took the post and crashed before finishing.
    await t.db.update(socialPosts).set({ status: "publishing", claimedAt: START }).where(eq(socialPosts.id, post.id));
    const payload = message.body.payload as { postId: string; idempotencyKey: string };
    expect((await publishPost({ db: t.db, env, ...payload, clock: time.clock, sleep: time.sleep })).outcome).toBe(
      "skipped",
    );

    time.advance(PUBLISHING_LEASE_SECONDS - 60);
    expect((await cron()).takenOver).toBe(0);
    time.advance(2 * 60);
    expect((await cron()).takenOver).toBe(1);
    expect(social.jobs(PUBLISH_SOCIAL_POST_JOB)).toEqual([payload]);
    expect((await harness.deliver())[0].outcome).toBe("published");
    expect(await mediaRows(account.id)).toHaveLength(1);
  });

  it("counts a taken-over run as an attempt and fails the post instead of taking it over forever", async () => {
    const { cron, social, time, account } = harness;
    const post = await createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START });
    await cron();
    for (let takeover = 1; takeover <= MAX_PUBLISH_ATTEMPTS; takeover++) {
      social.sent.splice(0);
      // A consumer takes the post and dies without recording anything.
      await t.db
        .update(socialPosts)
        .set({ status: "publishing", claimedAt: time.clock() })
        .where(eq(socialPosts.id, post.id));
      time.advance(PUBLISHING_LEASE_SECONDS + 60);
      expect((await cron()).takenOver).toBe(1);
      expect(await postById(t.db, post.id)).toMatchObject({
        status: "queued",
        attempts: takeover,
        lastError: TAKEN_OVER_REASON,
        errorKind: "transient",
      });
    }
    expect(await harness.deliver()).toEqual([
      {
        outcome: "failed",
        errorKind: "transient",
        reason: `Gave up after 3 attempts in total (the first try and 2 retries): ${TAKEN_OVER_REASON.replace(/\.$/, "")}`,
      },
    ]);
    expect((await postById(t.db, post.id)).status).toBe("failed");
    expect(await mediaRows(account.id)).toHaveLength(0);
  });

  it("skips a duplicate delivery that arrives before the post's backoff is over, and admits the on-time one", async () => {
    const { cron, time, env, social, account } = harness;
    await setSandboxBehaviour(t.db, account.id, { failNext: "transient" });
    const post = await createScheduledPost(t.db, {
      workspaceId,
      accountId: account.id,
      scheduledAt: new Date(START.getTime() + 40_000),
    });
    await cron();
    const [claim] = social.sent.splice(0);
    expect(claim.delaySeconds).toBe(40);
    const payload = claim.body.payload as { postId: string; idempotencyKey: string };
    const run = () => publishPost({ db: t.db, env, ...payload, clock: time.clock, sleep: time.sleep });
    // The cron's lookahead message runs at its time (a few seconds early is tolerated), not before.
    time.advance(30);
    expect((await run()).outcome).toBe("skipped");
    time.advance(7);
    expect(await run()).toMatchObject({ outcome: "retrying", attempts: 1 });
    // A duplicate of that message, delivered at once, must not cut the 30 s backoff short.
    const early = await run();
    expect(early.outcome).toBe("skipped");
    expect(early).toMatchObject({
      reason: expect.stringMatching(/^The message arrived before the post's next attempt/),
    });
    expect(await postById(t.db, post.id)).toMatchObject({ status: "queued", attempts: 1 });
    time.advance(RETRY_BACKOFF_SECONDS[0]);
    expect((await run()).outcome).toBe("published");
    expect(await mediaRows(account.id)).toHaveLength(1);
  });

  it("marks an Instagram account without a usable token as needing reconnect and its post waits", async () => {
    const { cron, deliver } = harness;
    const [instagram] = await t.db
      .insert(socialAccounts)
      .values({
        workspaceId,
        provider: "instagram",
        externalId: "17841400000000001",
        username: "tokenless",
        accessTokenEncrypted: null,
      })
      .returning();
    const post = await createScheduledPost(t.db, { workspaceId, accountId: instagram.id, scheduledAt: START });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "deferred" });
    expect(await postById(t.db, post.id)).toMatchObject({ status: "scheduled", errorKind: "reconnect" });
    expect((await postById(t.db, post.id)).lastError).toMatch(/^Waiting for @tokenless to be reconnected/);
    const [account] = await t.db.select().from(socialAccounts).where(eq(socialAccounts.id, instagram.id));
    expect(account.status).toBe("needs_reconnect");
  });
});

describe("signed media links for Instagram", () => {
  it("grant one ready file until they expire and refuse edited tokens", async () => {
    const media = await createReadyMedia(t.db, workspaceId);
    const secret = "test-upload-signing-secret";
    const link = socialMediaLink({ appUrl: "https://app.test/", secret, media, now: START });
    expect(link).toMatch(/^https:\/\/app\.test\/api\/social\/media\/[0-9a-f-]{36}\.\d+\.[\w-]{43}$/);
    const token = link.split("/").at(-1)!;
    expect(await resolveSocialMediaLink({ db: t.db, secret, token, now: START })).toEqual({
      r2Key: media.r2Key,
      contentType: "image/jpeg",
      size: 1000,
    });
    const [id, expiry, mac] = token.split(".");
    expect(
      await resolveSocialMediaLink({ db: t.db, secret, token: `${id}.${Number(expiry) + 3600}.${mac}`, now: START }),
    ).toBeNull();
    expect(
      await resolveSocialMediaLink({ db: t.db, secret: "another-secret-of-length", token, now: START }),
    ).toBeNull();
    expect(
      await resolveSocialMediaLink({ db: t.db, secret, token, now: new Date(START.getTime() + 25 * 3600_000) }),
    ).toBeNull();
  });

  it("refuse a malformed media id as not found instead of failing the query", async () => {
    const secret = "test-upload-signing-secret";
    const mac = "a".repeat(43);
    for (const id of ["-".repeat(36), "0123456789abcdef0123456789abcdef0123", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"]) {
      expect(
        await resolveSocialMediaLink({ db: t.db, secret, token: `${id}.1800000000.${mac}`, now: START }),
      ).toBeNull();
    }
  });
});
