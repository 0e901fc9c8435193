import { eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { socialAccounts, socialApiUsage, socialPosts } from "../../db/schema";
import { runPublishingCron } from "../../server/services/social/pipeline";
import { RETRY_BACKOFF_SECONDS } from "../../server/services/social/publish-post";
import { hourStartOf } from "../../server/services/social/publishers";
import { encryptToken } from "../../server/services/social/token-crypto";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { startInstagramApi, type InstagramApiServer } from "../support/instagram-api";
import { createScheduledPost, deliverAll, pipelineEnv, postById, steppingClock } from "../support/social-pipeline";

/** The same pipeline as the sandbox tests, through the real Instagram client against the loopback Graph stand-in. */
let t: TestDatabase;
let workspaceId: string;
const START = new Date("2026-11-22T10:00:00.000Z");

let api: InstagramApiServer;
let time: ReturnType<typeof steppingClock>;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { name: "Olive Owner" });
  workspaceId = (await createWorkspace(t.db, owner, "Instagram studio")).id;
});

afterAll(async () => {
  await t?.close();
});

let harness: Awaited<ReturnType<typeof setup>>;
async function setup() {
  const { env, email, social } = pipelineEnv(api.env);
  const remote = api.addAccount({ username: `studio.${Math.random().toString(36).slice(2, 8)}` });
  const [account] = await t.db
    .insert(socialAccounts)
    .values({
      workspaceId,
      provider: "instagram",
      externalId: remote.igUserId,
      username: "studio",
      accessTokenEncrypted: await encryptToken(env.SOCIAL_TOKEN_KEYS, remote.accessToken),
      tokenIssuedAt: START,
      tokenExpiresAt: new Date(START.getTime() + 60 * 86_400_000),
    })
    .returning();
  const cron = () => runPublishingCron({ db: t.db, queue: env.SOCIAL_QUEUE, now: time.clock() });
  const deliver = () => deliverAll({ db: t.db, env, social, clock: time.clock, sleep: time.sleep });
  const schedule = (caption = "Episode 12: the making of #podcast") =>
    createScheduledPost(t.db, { workspaceId, accountId: account.id, scheduledAt: START, caption });
  return { env, email, social, account, remote, cron, deliver, schedule };
}

beforeEach(async () => {
  time = steppingClock(START);
  api = await startInstagramApi({ now: () => time.clock() });
  await t.db
    .update(socialPosts)
    .set({ status: "canceled" })
    .where(inArray(socialPosts.status, ["scheduled", "queued", "publishing"]));
  harness = await setup();
});

afterEach(async () => {
  await api.close();
});

const usageRows = (accountId: string) =>
  t.db.select().from(socialApiUsage).where(eq(socialApiUsage.accountId, accountId));

describe("publishing to Instagram", () => {
  it("publishes once with Instagram's media id and permalink, sending a signed media URL, and records API usage", async () => {
    const { cron, deliver, schedule, account, remote } = harness;
    const post = await schedule();
    await cron();
    const [result] = await deliver();

    expect(api.published).toHaveLength(1);
    const [media] = api.published;
    expect(result).toEqual({ outcome: "published", remoteMediaId: media.id, reconciled: false });
    expect(await postById(t.db, post.id)).toMatchObject({
      status: "published",
      remoteMediaId: media.id,
      permalink: media.permalink,
      attempts: 0,
    });
    expect(media.caption).toBe("Episode 12: the making of #podcast");
    const [container] = api.containers;
    expect(container.imageUrl).toMatch(/^http:\/\/localhost:8787\/api\/social\/media\/[0-9a-f-]{36}\.\d+\.[\w-]{43}$/);
    expect(api.count(`POST /${remote.igUserId}/media_publish`)).toBe(1);
    const [usage] = await usageRows(account.id);
    expect(usage.hourStart).toEqual(hourStartOf(START));
    expect(usage.calls).toBe(api.requests.length);
  });

  it("retries a 5xx and publishes exactly once", async () => {
    const { cron, deliver, schedule, remote } = harness;
    const post = await schedule();
    api.fail(`POST /${remote.igUserId}/media`, { status: 503, times: 1 });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    expect((await postById(t.db, post.id)).errorKind).toBe("transient");
    time.advance(RETRY_BACKOFF_SECONDS[0]);
    expect((await deliver())[0].outcome).toBe("published");
    expect(api.published).toHaveLength(1);
    expect(await postById(t.db, post.id)).toMatchObject({ status: "published", attempts: 1, lastError: null });
  });

  it("gives up after 3 attempts of 5xx with Instagram's message", async () => {
    const { cron, deliver, schedule } = harness;
    const post = await schedule();
    api.fail(/POST \/\d+\/media$/, { status: 500, times: Infinity });
    await cron();
    await deliver();
    time.advance(RETRY_BACKOFF_SECONDS[0]);
    await deliver();
    time.advance(RETRY_BACKOFF_SECONDS[1]);
    const [last] = await deliver();
    expect(last).toMatchObject({ outcome: "failed", errorKind: "transient" });
    const failed = await postById(t.db, post.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 3 });
    expect(failed.lastError).toMatch(/^Gave up after 3 attempts in total \(the first try and 2 retries\): /);
    expect(api.count(/POST \/\d+\/media$/)).toBe(3);
    expect(api.published).toHaveLength(0);
  });

  it("defers on a rate limit until Meta's regain time, using its usage headers, without burning an attempt", async () => {
    const { cron, deliver, schedule, remote, account } = harness;
    const post = await schedule();
    api.rateLimit(`POST /${remote.igUserId}/media`, { regainAccessMinutes: 30 });
    await cron();
    const [result] = await deliver();
    expect(result).toMatchObject({ outcome: "deferred" });
    const deferred = await postById(t.db, post.id);
    expect(deferred).toMatchObject({ status: "scheduled", attempts: 0, errorKind: "deferred" });
    expect(deferred.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(START.getTime() + 30 * 60_000);
    const [usage] = await usageRows(account.id);
    expect(usage.maxUsagePercent).toBe(100);
    expect(usage.regainAccessAt!.getTime()).toBeGreaterThanOrEqual(START.getTime() + 30 * 60_000);

    // Claimed again at its new time, it publishes.
    time.set(deferred.nextAttemptAt!);
    expect((await cron()).claimed).toBe(1);
    expect((await deliver())[0].outcome).toBe("published");
    expect(api.published).toHaveLength(1);
  });

  it("defers the next post when the usage headers say 90% of the budget is used", async () => {
    const { cron, deliver, schedule, account } = harness;
    api.setUsageHeader({ app: { callCount: 95 } });
    const first = await schedule("First");
    await cron();
    expect((await deliver())[0].outcome).toBe("published");
    expect((await usageRows(account.id))[0].maxUsagePercent).toBe(95);

    const second = await schedule("Second");
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "deferred", until: new Date("2026-11-22T11:00:00.000Z") });
    expect((await postById(t.db, second.id)).lastError).toMatch(/95% of Instagram's limit/);
    expect((await postById(t.db, first.id)).status).toBe("published");
    expect(api.published).toHaveLength(1);
  });

  it("defers at the content publishing limit", async () => {
    const { cron, deliver, schedule, remote } = harness;
    api.setPublishingLimit(remote.igUserId, 100, 100);
    const post = await schedule();
    await cron();
    expect((await deliver())[0].outcome).toBe("deferred");
    expect((await postById(t.db, post.id)).lastError).toMatch(/published its 100 posts allowed in 24 hours/);
    expect(api.count(/POST \/\d+\/media$/)).toBe(0);
  });

  it("fails an ERROR container with Instagram's status message", async () => {
    const { cron, deliver, schedule } = harness;
    const post = await schedule();
    api.setContainerOutcome("ERROR", { message: "Error: the media could not be fetched from the URI", times: 1 });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "failed", errorKind: "permanent" });
    const failed = await postById(t.db, post.id);
    expect(failed).toMatchObject({ status: "failed", containerStatus: "ERROR", attempts: 0 });
    expect(failed.lastError).toContain("the media could not be fetched");
    expect(api.published).toHaveLength(0);
  });

  it("reconciles a publish whose answer was lost: exactly one media on Instagram", async () => {
    const { cron, deliver, schedule, remote } = harness;
    const post = await schedule();
    api.fail(`POST /${remote.igUserId}/media_publish`, { afterSuccess: "drop" });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    expect(api.published).toHaveLength(1);
    const unknown = await postById(t.db, post.id);
    expect(unknown.publishRequestedAt).not.toBeNull();
    expect(unknown.remoteMediaId).toBeNull();

    time.advance(RETRY_BACKOFF_SECONDS[0]);
    const [retry] = await deliver();
    expect(retry).toEqual({ outcome: "published", remoteMediaId: api.published[0].id, reconciled: true });
    expect(api.published).toHaveLength(1);
    expect(api.count(`POST /${remote.igUserId}/media_publish`)).toBe(1);
    expect(await postById(t.db, post.id)).toMatchObject({
      status: "published",
      remoteMediaId: api.published[0].id,
      permalink: api.published[0].permalink,
    });
  });

  it("marks the account needs-reconnect when Instagram rejects the token, and the post waits for the reconnect", async () => {
    const { cron, deliver, schedule, remote, account } = harness;
    api.revokeToken(remote.accessToken);
    const post = await schedule();
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "deferred", until: new Date(START.getTime() + 3600_000) });
    const waiting = await postById(t.db, post.id);
    expect(waiting).toMatchObject({ status: "scheduled", errorKind: "reconnect", attempts: 0 });
    expect(waiting.lastError).toMatch(/^Waiting for @studio to be reconnected/);
    const [row] = await t.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
    expect(row.status).toBe("needs_reconnect");
    expect(api.published).toHaveLength(0);
  });

  it("keeps a post whose publish outcome is unknown queued (never scheduled, container kept) when it must wait, then reconciles it", async () => {
    const { cron, deliver, schedule, remote } = harness;
    const post = await schedule("hello world");
    api.fail(`POST /${remote.igUserId}/media_publish`, { afterSuccess: "drop" });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    const containerId = (await postById(t.db, post.id)).containerId;
    // Reconciliation's media listing is rate limited: the post waits, but must stay out of the editable states.
    api.rateLimit(`GET /${remote.igUserId}/media`, { times: 1, regainAccessMinutes: 30 });
    time.advance(RETRY_BACKOFF_SECONDS[0]);
    expect((await deliver())[0]).toMatchObject({ outcome: "deferred" });
    const waiting = await postById(t.db, post.id);
    expect(waiting).toMatchObject({ status: "queued", containerId, errorKind: "deferred" });
    expect(waiting.publishRequestedAt).not.toBeNull();
    expect(harness.social.sent.map((m) => m.delaySeconds)).toEqual([
      Math.ceil((waiting.nextAttemptAt!.getTime() - time.clock().getTime()) / 1000),
    ]);
    // The cron does not claim it again with a new key (it is not scheduled), and the delayed message reconciles it.
    time.set(waiting.nextAttemptAt!);
    expect((await cron()).claimed).toBe(0);
    expect((await deliver())[0]).toMatchObject({ outcome: "published", reconciled: true });
    expect(api.published).toHaveLength(1);
    expect(api.count(`POST /${remote.igUserId}/media_publish`)).toBe(1);
  });

  it("gives up, without publishing again, when the outcome stays unknown after the final reconciliation", async () => {
    const { cron, deliver, schedule, remote } = harness;
    const post = await schedule();
    api.fail(`POST /${remote.igUserId}/media_publish`, { afterSuccess: "drop" });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    const { containerId } = await postById(t.db, post.id);
    // Neither the container's status nor the media list can be read any more.
    api.fail(new RegExp(`^GET /${containerId}$`), { status: 500, times: Infinity });
    api.fail(`GET /${remote.igUserId}/media`, { status: 500, times: Infinity });
    const outcomes: string[] = [];
    for (let delivery = 0; delivery < 8; delivery++) {
      time.advance(300);
      outcomes.push(...(await deliver()).map((r) => r.outcome));
    }
    expect(outcomes).toEqual(["retrying", "retrying", "failed"]);
    const failed = await postById(t.db, post.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 4, containerId });
    expect(failed.lastError).toMatch(
      /^The outcome is unknown: the post may have been published .*Check @studio on Instagram before scheduling it again/,
    );
    expect(api.count(`POST /${remote.igUserId}/media_publish`)).toBe(1);
    expect(api.published).toHaveLength(1);
  });

  it("does not take a same-caption media as its own when its container says it was never published", async () => {
    const { cron, deliver, schedule, remote } = harness;
    const post = await schedule("Same words #podcast");
    // The publish call fails before taking effect; meanwhile someone posts the same caption by hand.
    api.fail(`POST /${remote.igUserId}/media_publish`, { status: 500, times: 1 });
    await cron();
    expect((await deliver())[0]).toMatchObject({ outcome: "retrying", attempts: 1 });
    const [byHand] = api.seedMedia(remote.igUserId, [{ caption: "Same words #podcast", timestamp: time.clock() }]);
    time.advance(RETRY_BACKOFF_SECONDS[0]);
    const [retry] = await deliver();
    expect(retry).toMatchObject({ outcome: "published", reconciled: false });
    expect(api.published).toHaveLength(1);
    const published = await postById(t.db, post.id);
    expect(published.remoteMediaId).toBe(api.published[0].id);
    expect(published.remoteMediaId).not.toBe(byHand.id);
  });
});
