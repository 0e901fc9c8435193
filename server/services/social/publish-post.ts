import { and, asc, eq, gte, inArray, lt, ne, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import {
  mediaObjects,
  socialAccounts,
  socialApiUsage,
  socialPostMedia,
  socialPosts,
  type SocialPostStatus,
} from "../../../db/schema";
import { appConfigFromEnv, type Env } from "../../env";
import type { Clock } from "../../lib/clock";
import { enqueueJob } from "../platform/jobs";
import { enqueueNotificationEmails, notifyWorkspace } from "../notifications/notify";
import { markAccountNeedsReconnect } from "./accounts";
import { socialMediaLink } from "./media-links";
import { PUBLISH_SOCIAL_POST_JOB, PUBLISHING_LEASE_SECONDS, type PublishPostMessage } from "./pipeline";
import {
  SocialProviderError,
  type ContainerStatus,
  type ItemContainerRequest,
  type RemoteMedia,
  type SocialPublisher,
} from "./provider";
import { hourStartOf, publisherForAccount } from "./publishers";
import { sandboxMediaUrl } from "./sandbox";
import { addSeconds } from "../../lib/clock";

/**
 * The consuming half of the publishing pipeline (ADR 010). One delivery of a publish message:
 * take the post (queued → publishing, only with the message's idempotency key), reconcile an unknown earlier
 * publish, check quota, create or reuse the container(s), poll them, publish once, record the remote media.
 * Every way out leaves a visible status; only database failures escape (the queue then retries the message).
 */

export const MAX_PUBLISH_ATTEMPTS = 3;
/** Delay before retry n+1 after the n-th transient failure. */
export const RETRY_BACKOFF_SECONDS = [30, 120] as const;
/** Short polls of a container this run created or first saw processing; after these the post waits in the queue instead. */
const CONTAINER_POLL_DELAYS_MS = [1000, 2000, 4000] as const;
/** A post waiting on a processing container is checked again (one status read) after this. */
export const CONTAINER_RECHECK_SECONDS = 30;
/** A container still IN_PROGRESS this long after the wait began is given up: processing is stuck, not slow. */
export const CONTAINER_PROCESSING_TIMEOUT_SECONDS = 30 * 60;
/** A post of an account that needs reconnecting waits this long before it is looked at again. */
export const RECONNECT_RECHECK_SECONDS = 3600;
/** A delivery may run this much before the post's time (queue delays are not exact); earlier ones are duplicates. */
const EARLY_DELIVERY_SLACK_SECONDS = 5;
/** Cloudflare Queues delays a message by at most 12 hours; a longer wait is re-sent by the cron's recovery. */
const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;
/** A possibly-published post whose media is not listed yet is checked again after this. */
const RECONCILE_RECHECK_SECONDS = 60;
/** content_publishing_limit is read again when the stored value is older than this. */
const QUOTA_REFRESH_SECONDS = 600;
/** Defer when Meta reports at least this share of the app's or account's call budget used. */
const USAGE_DEFER_PERCENT = 90;
/** At the publishing limit, look again after this long (the 24 h window is rolling). */
const QUOTA_DEFER_SECONDS = 3600;
/** A rate limit without Meta's estimate waits this long. */
const RATE_LIMIT_DEFER_SECONDS = 900;
/** Clock difference tolerated between our publish request time and the provider's media timestamp. */
const RECONCILE_SKEW_SECONDS = 120;
const RECONCILE_PAGES = 2;
const RECONCILE_PAGE_SIZE = 25;

export type PublishResult =
  | { outcome: "published"; remoteMediaId: string | null; reconciled: boolean }
  | { outcome: "skipped"; reason: string }
  | { outcome: "deferred"; until: Date; reason: string }
  | { outcome: "waiting"; until: Date; reason: string }
  | { outcome: "retrying"; attempts: number; until: Date; reason: string }
  | { outcome: "failed"; errorKind: "transient" | "permanent" | "reconnect"; reason: string };

type Post = typeof socialPosts.$inferSelect;
type Account = typeof socialAccounts.$inferSelect;
type PostMedia = {
  position: number;
  mediaId: string;
  containerId: string | null;
  kind: string;
  r2Key: string;
  status: string;
};

interface Run {
  db: Database;
  env: Env;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  post: Post;
  /** The claimed_at this delivery wrote when it took the post: every later write requires it (fencing). */
  lease: Date;
  account: Account | null;
}

class LeaseLostError extends Error {
  constructor() {
    super("Another delivery took over the post.");
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export async function publishPost(
  opts: PublishPostMessage & { db: Database; env: Env; clock: Clock; sleep?: (ms: number) => Promise<void> },
): Promise<PublishResult> {
  const now = opts.clock();
  const leaseExpiredBefore = addSeconds(now, -PUBLISHING_LEASE_SECONDS);
  const earliestDue = addSeconds(now, EARLY_DELIVERY_SLACK_SECONDS);
  const [claimed] = await opts.db
    .update(socialPosts)
    .set({ status: "publishing", claimedAt: now, updatedAt: now })
    .where(
      and(
        eq(socialPosts.id, opts.postId),
        eq(socialPosts.idempotencyKey, opts.idempotencyKey),
        or(
          eq(socialPosts.status, "queued"),
          and(eq(socialPosts.status, "publishing"), lt(socialPosts.claimedAt, leaseExpiredBefore)),
        ),
        // A duplicate delivery must not cut a backoff or deferral short; the delayed message for that time runs it.
        sql`coalesce(${socialPosts.nextAttemptAt}, ${socialPosts.scheduledAt}, ${now.toISOString()}::timestamptz) <= ${earliestDue.toISOString()}::timestamptz`,
      ),
    )
    .returning();
  if (!claimed)
    return { outcome: "skipped", reason: await whyNotOwned(opts.db, opts.postId, opts.idempotencyKey, earliestDue) };

  const run: Run = {
    db: opts.db,
    env: opts.env,
    clock: opts.clock,
    sleep: opts.sleep ?? realSleep,
    post: claimed,
    lease: now,
    account: null,
  };
  try {
    return await publishOwned(run);
  } catch (error) {
    if (error instanceof LeaseLostError) return { outcome: "skipped", reason: error.message };
    try {
      return await handleFailure(run, error);
    } catch (recordError) {
      if (recordError instanceof LeaseLostError) return { outcome: "skipped", reason: recordError.message };
      throw recordError;
    }
  }
}

async function whyNotOwned(db: Database, postId: string, idempotencyKey: string, earliestDue: Date): Promise<string> {
  const [current] = await db
    .select({
      status: socialPosts.status,
      key: socialPosts.idempotencyKey,
      nextAttemptAt: socialPosts.nextAttemptAt,
      scheduledAt: socialPosts.scheduledAt,
    })
    .from(socialPosts)
    .where(eq(socialPosts.id, postId));
  if (!current) return "The post no longer exists.";
  if (current.key !== idempotencyKey)
    return `The message is stale: the post (${current.status}) has been claimed again since.`;
  if (current.status === "publishing") return "Another delivery is publishing the post.";
  const dueAt = current.nextAttemptAt ?? current.scheduledAt;
  if (current.status === "queued" && dueAt && dueAt > earliestDue)
    return `The message arrived before the post's next attempt at ${dueAt.toISOString()}; the message sent for that time runs it.`;
  return `The post is ${current.status}; nothing to do.`;
}

/** publish_requested_at set and no remote id: the post may be live, so nothing may publish it again until it is reconciled. */
const outcomeUnknown = (post: Post) => post.publishRequestedAt !== null && post.remoteMediaId === null;
const networkOf = (account: Account | null) => (account?.provider === "sandbox" ? "the Sandbox" : "Instagram");
const networkAtSentenceStart = (account: Account | null) =>
  account?.provider === "sandbox" ? "The Sandbox" : "Instagram";
const gaveUp = (reason: string) =>
  `Gave up after ${MAX_PUBLISH_ATTEMPTS} attempts in total (the first try and ${MAX_PUBLISH_ATTEMPTS - 1} retries): ${reason}`;
function unknownOutcomeFailure(account: Account | null, reason: string) {
  const where = account ? `@${account.username} on ${networkOf(account)}` : "the account on Instagram";
  return `The outcome is unknown: the post may have been published (${reason}). Check ${where} before scheduling it again; Greenroom will not publish it again.`;
}

async function publishOwned(run: Run): Promise<PublishResult> {
  const { db, post } = run;
  const [account] = post.accountId
    ? await db
        .select()
        .from(socialAccounts)
        .where(and(eq(socialAccounts.id, post.accountId), eq(socialAccounts.workspaceId, post.workspaceId)))
    : [];
  run.account = account ?? null;
  const lastReason = post.lastError?.replace(/\.$/, "") ?? "the publish request's outcome is unknown";
  if (!account) {
    return fail(
      run,
      "permanent",
      outcomeUnknown(post)
        ? unknownOutcomeFailure(null, "its social account was removed")
        : "The post has no social account to publish to.",
    );
  }

  let publisher: SocialPublisher | null = null;
  // An earlier publish may have gone out: find out before anything else, whatever the account's state.
  if (outcomeUnknown(post)) {
    if (account.status === "disconnected") {
      return fail(
        run,
        "permanent",
        unknownOutcomeFailure(account, `@${account.username} was disconnected before the publish was confirmed`),
      );
    }
    publisher = await publisherForAccount({ db, env: run.env, account, now: run.clock });
    const earlier = await reconcile(run, publisher);
    if (earlier.found) return markPublished(run, earlier.found, true);
    if (earlier.container === "PUBLISHED") {
      const attempts = post.attempts + 1;
      // Published for certain, but never listed: record it as published rather than wait forever.
      if (attempts >= MAX_PUBLISH_ATTEMPTS) return markPublished(run, null, true);
      return requeue(run, {
        seconds: RECONCILE_RECHECK_SECONDS,
        outcome: "retrying",
        reason: "The post was published; waiting for it to appear on the account.",
        attempts,
      });
    }
    if (earlier.container !== null) {
      // The container was never published, so the earlier request did not take effect: the outcome is known again.
      await fenced(run, { publishRequestedAt: null });
      run.post = { ...run.post, publishRequestedAt: null };
    } else if (post.attempts >= MAX_PUBLISH_ATTEMPTS) {
      return fail(run, "transient", unknownOutcomeFailure(account, lastReason));
    }
  }
  // A run that stopped without an outcome (lease taken over) counted an attempt; it must not cycle forever.
  if (!outcomeUnknown(run.post) && run.post.attempts >= MAX_PUBLISH_ATTEMPTS)
    return fail(run, "transient", gaveUp(lastReason));

  if (account.status === "disconnected")
    return fail(
      run,
      "permanent",
      `The account @${account.username} is disconnected; connect it again and reschedule the post.`,
    );
  if (account.status === "needs_reconnect") {
    const until = addSeconds(run.clock(), RECONNECT_RECHECK_SECONDS);
    return defer(run, until, waitingForReconnect(account, account.statusReason, until), "reconnect");
  }
  publisher ??= await publisherForAccount({ db, env: run.env, account, now: run.clock });

  const deferral = await quotaDeferral(run, publisher, account);
  if (deferral) return defer(run, deferral.until, deferral.reason);

  const media = await loadMedia(run);
  const invalid = mediaProblem(post, media);
  if (invalid) return fail(run, "permanent", invalid);

  // A later delivery of a wait reads the status once; the delivery that starts the wait polls a few times.
  const alreadyWaiting = run.post.containerId !== null && run.post.containerStatus === "IN_PROGRESS";
  let containerId = await ensureContainers(run, publisher, account, media);
  let status = await waitForContainer(run, publisher, containerId, !alreadyWaiting);
  if (status.status === "EXPIRED" && !outcomeUnknown(run.post)) {
    // Containers expire 24 h after creation (a long deferral); an unpublished one is safe to replace, once.
    await clearContainers(run);
    containerId = await ensureContainers(
      run,
      publisher,
      account,
      media.map((m) => ({ ...m, containerId: null })),
    );
    status = await waitForContainer(run, publisher, containerId, true);
  }
  if (status.status === "IN_PROGRESS") {
    const since = run.post.containerCreatedAt ?? run.lease;
    if (run.clock().getTime() - since.getTime() >= CONTAINER_PROCESSING_TIMEOUT_SECONDS * 1000) {
      return fail(
        run,
        "permanent",
        `${networkAtSentenceStart(account)} was still processing the media ${CONTAINER_PROCESSING_TIMEOUT_SECONDS / 60} minutes later; try another file or schedule the post again.`,
      );
    }
    const until = addSeconds(run.clock(), CONTAINER_RECHECK_SECONDS);
    return requeue(run, {
      seconds: CONTAINER_RECHECK_SECONDS,
      outcome: "waiting",
      reason: `${networkAtSentenceStart(account)} is still processing the media; checking again at ${utc(until)}.`,
    });
  }
  if (status.status === "ERROR" || status.status === "EXPIRED") {
    return fail(run, "permanent", status.message ?? `The media could not be processed (container ${status.status}).`);
  }
  if (status.status === "PUBLISHED") {
    await fenced(run, { publishRequestedAt: run.post.publishRequestedAt ?? run.clock() });
    return requeue(run, {
      seconds: RECONCILE_RECHECK_SECONDS,
      outcome: "waiting",
      reason: "The container was already published; waiting for the post to appear on the account.",
    });
  }

  // From here until the remote id is recorded the outcome is unknown: any later delivery reconciles first.
  const requestedAt = run.post.publishRequestedAt ?? run.clock();
  await fenced(run, { publishRequestedAt: requestedAt });
  run.post = { ...run.post, publishRequestedAt: requestedAt };
  const { mediaId } = await publisher.publishContainer(containerId);
  const remote = await publisher.getMedia(mediaId).catch((error: unknown) => {
    // The post is out; a missing permalink is filled by the next sync, so it must not fail the post.
    console.warn(
      JSON.stringify({
        event: "social.permalink_unavailable",
        postId: post.id,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    return null;
  });
  return markPublished(run, remote ?? { id: mediaId, permalink: null, timestamp: run.clock() }, false);
}

/**
 * The earlier publish's media, matched by caption and time among the account's recent media not already claimed by
 * another post, and the container's status (null when there is none or it cannot be read). A container that says
 * anything but PUBLISHED proves nothing went out, so a caption match (someone else's post) is not looked for then.
 */
async function reconcile(
  run: Run,
  publisher: SocialPublisher,
): Promise<{ found: Pick<RemoteMedia, "id" | "permalink" | "timestamp"> | null; container: ContainerStatus | null }> {
  const { post } = run;
  const container = post.containerId ? await readContainerStatus(run, publisher, post.containerId) : null;
  if (container !== null && container !== "PUBLISHED") return { found: null, container };
  const since = addSeconds(post.publishRequestedAt!, -RECONCILE_SKEW_SECONDS).getTime();
  const caption = normaliseCaption(post.caption);
  let after: string | null = null;
  for (let page = 0; page < RECONCILE_PAGES; page++) {
    const listed = await publisher.listMedia({ after, limit: RECONCILE_PAGE_SIZE });
    const candidates = listed.items.filter(
      (item) => item.timestamp.getTime() >= since && normaliseCaption(item.caption ?? "") === caption,
    );
    if (candidates.length > 0) {
      const taken = await run.db
        .select({ id: socialPosts.remoteMediaId })
        .from(socialPosts)
        .where(
          and(
            eq(socialPosts.accountId, post.accountId!),
            ne(socialPosts.id, post.id),
            inArray(
              socialPosts.remoteMediaId,
              candidates.map((c) => c.id),
            ),
          ),
        );
      const takenIds = new Set(taken.map((row) => row.id));
      const match = candidates.filter((c) => !takenIds.has(c.id)).at(-1);
      if (match) return { found: match, container };
    }
    const oldest = listed.items.at(-1);
    if (!listed.after || !oldest || oldest.timestamp.getTime() < since) break;
    after = listed.after;
  }
  return { found: null, container };
}

/** The container's status, or null when the provider cannot say (reconciliation then falls back to the media list). */
async function readContainerStatus(
  run: Run,
  publisher: SocialPublisher,
  containerId: string,
): Promise<ContainerStatus | null> {
  try {
    return (await publisher.getContainerStatus(containerId)).status;
  } catch (error) {
    if (!(error instanceof SocialProviderError) || (error.kind !== "transient" && error.kind !== "permanent"))
      throw error;
    console.warn(
      JSON.stringify({ event: "social.container_status_unavailable", postId: run.post.id, error: error.message }),
    );
    return null;
  }
}

const normaliseCaption = (caption: string) => caption.replace(/\r\n/g, "\n").trim();

/** Why the post must wait (and until when), or null to go ahead. A deferral is not an attempt. */
async function quotaDeferral(
  run: Run,
  publisher: SocialPublisher,
  account: Account,
): Promise<{ until: Date; reason: string } | null> {
  const now = run.clock();
  const hour = hourStartOf(now);
  const usage = await run.db
    .select()
    .from(socialApiUsage)
    .where(and(eq(socialApiUsage.accountId, account.id), gte(socialApiUsage.hourStart, addSeconds(hour, -3600))));
  const regainAt = usage
    .map((row) => row.regainAccessAt)
    .filter((d): d is Date => d !== null && d > now)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  if (regainAt)
    return {
      until: regainAt,
      reason: `Instagram asked us to pause API calls for @${account.username}; publishing resumes at ${utc(regainAt)}.`,
    };
  // Once Meta's announced regain time has passed, the hour's high reading is history: access is back.
  const percent = Math.max(
    0,
    ...usage
      .filter((row) => row.hourStart.getTime() === hour.getTime() && !(row.regainAccessAt && row.regainAccessAt <= now))
      .map((row) => row.maxUsagePercent),
  );
  if (percent >= USAGE_DEFER_PERCENT) {
    const until = addSeconds(hour, 3600);
    return {
      until,
      reason: `API usage for @${account.username} is at ${percent}% of Instagram's limit; publishing resumes at ${utc(until)}.`,
    };
  }

  let { publishQuotaUsage: used, publishQuotaTotal: total } = account;
  const checkedAt = account.publishQuotaCheckedAt;
  if (
    used === null ||
    total === null ||
    !checkedAt ||
    now.getTime() - checkedAt.getTime() > QUOTA_REFRESH_SECONDS * 1000
  ) {
    ({ quotaUsage: used, quotaTotal: total } = await publisher.getPublishingLimit());
    await run.db
      .update(socialAccounts)
      .set({ publishQuotaUsage: used, publishQuotaTotal: total, publishQuotaCheckedAt: now })
      .where(eq(socialAccounts.id, account.id));
  }
  if (used >= total) {
    const until = addSeconds(now, QUOTA_DEFER_SECONDS);
    return {
      until,
      reason: `@${account.username} has published its ${total} posts allowed in 24 hours; trying again at ${utc(until)}.`,
    };
  }
  return null;
}

async function loadMedia(run: Run): Promise<PostMedia[]> {
  return run.db
    .select({
      position: socialPostMedia.position,
      mediaId: socialPostMedia.mediaId,
      containerId: socialPostMedia.containerId,
      kind: mediaObjects.kind,
      r2Key: mediaObjects.r2Key,
      status: mediaObjects.status,
    })
    .from(socialPostMedia)
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, socialPostMedia.mediaId), eq(mediaObjects.workspaceId, run.post.workspaceId)),
    )
    .where(eq(socialPostMedia.postId, run.post.id))
    .orderBy(asc(socialPostMedia.position));
}

function mediaProblem(post: Post, media: PostMedia[]): string | null {
  if (media.length === 0) return "The post has no media.";
  const notReady = media.find((m) => m.status !== "ready");
  if (notReady) return "A file of this post is not ready in the media library.";
  if (post.type === "image" && (media.length !== 1 || media[0].kind !== "image"))
    return "An image post needs exactly one image.";
  if (post.type === "reel" && (media.length !== 1 || media[0].kind !== "video"))
    return "A reel needs exactly one video.";
  if (post.type === "carousel" && (media.length < 2 || media.length > 10 || media.some((m) => m.kind === "audio"))) {
    return "A carousel needs 2 to 10 images or videos.";
  }
  return null;
}

function urlFor(run: Run, account: Account, media: PostMedia): string {
  if (account.provider === "sandbox") return sandboxMediaUrl(media.mediaId);
  return socialMediaLink({
    appUrl: appConfigFromEnv(run.env).appUrl,
    secret: run.env.UPLOAD_SIGNING_SECRET,
    media: { id: media.mediaId, r2Key: media.r2Key },
    now: run.clock(),
  });
}

/** The post's container id, creating what is missing; ids are stored as they are made, so a retry reuses them. */
async function ensureContainers(
  run: Run,
  publisher: SocialPublisher,
  account: Account,
  media: PostMedia[],
): Promise<string> {
  const { post } = run;
  if (run.post.containerId) return run.post.containerId;
  let containerId: string;
  if (post.type === "carousel") {
    const children: string[] = [];
    for (const item of media) {
      if (item.containerId) {
        children.push(item.containerId);
        continue;
      }
      const request: ItemContainerRequest =
        item.kind === "video"
          ? { kind: "video", url: urlFor(run, account, item), isCarouselItem: true }
          : { kind: "image", url: urlFor(run, account, item), isCarouselItem: true };
      const { id } = await publisher.createItemContainer(request);
      await run.db
        .update(socialPostMedia)
        .set({ containerId: id })
        .where(and(eq(socialPostMedia.postId, post.id), eq(socialPostMedia.position, item.position)));
      children.push(id);
    }
    ({ id: containerId } = await publisher.createCarouselContainer({ children, caption: post.caption }));
  } else {
    const [item] = media;
    const url = urlFor(run, account, item);
    ({ id: containerId } = await publisher.createItemContainer(
      post.type === "reel"
        ? { kind: "video", url, caption: post.caption, reel: true }
        : { kind: "image", url, caption: post.caption },
    ));
  }
  const containerCreatedAt = run.clock();
  await fenced(run, { containerId, containerStatus: "IN_PROGRESS", containerCreatedAt });
  run.post = { ...run.post, containerId, containerCreatedAt };
  return containerId;
}

async function clearContainers(run: Run) {
  await fenced(run, { containerId: null, containerStatus: null, containerCreatedAt: null });
  await run.db.update(socialPostMedia).set({ containerId: null }).where(eq(socialPostMedia.postId, run.post.id));
  run.post = { ...run.post, containerId: null, containerCreatedAt: null };
}

/** Reads a container's status, polling a few times with growing pauses when `poll`; records the last status seen. */
async function waitForContainer(
  run: Run,
  publisher: SocialPublisher,
  containerId: string,
  poll: boolean,
): Promise<{ status: ContainerStatus; message: string | null }> {
  let status = await publisher.getContainerStatus(containerId);
  for (const delay of poll ? CONTAINER_POLL_DELAYS_MS : []) {
    if (status.status !== "IN_PROGRESS") break;
    await run.sleep(delay);
    status = await publisher.getContainerStatus(containerId);
  }
  await fenced(run, { containerStatus: status.status });
  return status;
}

/** An UPDATE of the post that only applies while this delivery still holds it. */
async function fenced(
  run: Run,
  values: Partial<typeof socialPosts.$inferInsert>,
  db: Pick<Database, "update"> = run.db,
) {
  const updated = await db
    .update(socialPosts)
    .set({ ...values, updatedAt: run.clock() })
    .where(
      and(eq(socialPosts.id, run.post.id), eq(socialPosts.status, "publishing"), eq(socialPosts.claimedAt, run.lease)),
    )
    .returning({ id: socialPosts.id });
  if (updated.length === 0) throw new LeaseLostError();
}

/** `remote` null: the provider says the container was published but the media could not be found to link. */
async function markPublished(
  run: Run,
  remote: Pick<RemoteMedia, "id" | "permalink" | "timestamp"> | null,
  reconciled: boolean,
): Promise<PublishResult> {
  const { post, account } = run;
  const now = run.clock();
  const emailIds = await run.db.transaction(async (tx) => {
    await fenced(
      run,
      {
        status: "published",
        remoteMediaId: remote?.id ?? null,
        permalink: remote?.permalink ?? null,
        publishedAt: remote?.timestamp ?? post.publishRequestedAt ?? now,
        containerStatus: "PUBLISHED",
        lastError: remote
          ? null
          : "Published, but the post was not found among the account's recent media, so it is not linked.",
        errorKind: null,
        nextAttemptAt: null,
      },
      tx,
    );
    // A reconciled publish counts too: the cached allowance may predate it (over-counting only defers early, and
    // the allowance is re-read from the provider every few minutes).
    if (account) {
      await tx
        .update(socialAccounts)
        .set({ publishQuotaUsage: sql`coalesce(${socialAccounts.publishQuotaUsage}, 0) + 1` })
        .where(eq(socialAccounts.id, account.id));
    }
    const where = account?.provider === "sandbox" ? "the Sandbox feed" : "Instagram";
    const { emailIds } = await notifyWorkspace({
      db: tx,
      workspaceId: post.workspaceId,
      kind: "social.post_published",
      title: `Post published to @${account?.username ?? "account"}`,
      body: `${excerpt(post.caption)} is live on ${where}.`,
      link: `/w/${post.workspaceId}/social/posts`,
      dedupeKey: `social.post_published:${post.id}`,
      roles: ["owner", "admin", "editor"],
      email: true,
      appUrl: appConfigFromEnv(run.env).appUrl,
    });
    return emailIds;
  });
  await enqueueNotificationEmails(run.env.EMAIL_QUEUE, emailIds);
  return { outcome: "published", remoteMediaId: remote?.id ?? null, reconciled };
}

async function fail(
  run: Run,
  errorKind: "transient" | "permanent" | "reconnect",
  reason: string,
  extraEmailIds: string[] = [],
): Promise<PublishResult> {
  const { post, account } = run;
  const emailIds = await run.db.transaction(async (tx) => {
    await fenced(run, { status: "failed", lastError: reason, errorKind, nextAttemptAt: null }, tx);
    const { emailIds } = await notifyWorkspace({
      db: tx,
      workspaceId: post.workspaceId,
      kind: "social.post_failed",
      title: account ? `Post to @${account.username} failed` : "A scheduled post failed",
      body: `${excerpt(post.caption)} was not published: ${reason}`,
      link: `/w/${post.workspaceId}/social/posts`,
      // One notice per claim: a redelivered message says nothing new, a rescheduled post that fails again does.
      dedupeKey: `social.post_failed:${post.id}:${post.idempotencyKey}`,
      roles: ["owner", "admin", "editor"],
      email: true,
      appUrl: appConfigFromEnv(run.env).appUrl,
    });
    return emailIds;
  });
  await enqueueNotificationEmails(run.env.EMAIL_QUEUE, [...extraEmailIds, ...emailIds]);
  return { outcome: "failed", errorKind, reason };
}

/**
 * Back to scheduled for the claim cron to pick up again at `until`; attempts are left alone. A post whose outcome is
 * unknown stays queued instead (same key, a delayed message): back in scheduled it could be edited or canceled, and
 * a new claim could publish it again before it is reconciled.
 */
async function defer(
  run: Run,
  until: Date,
  reason: string,
  errorKind: "deferred" | "reconnect" = "deferred",
): Promise<PublishResult> {
  if (outcomeUnknown(run.post)) {
    const seconds = Math.min(
      MAX_QUEUE_DELAY_SECONDS,
      Math.max(1, Math.ceil((until.getTime() - run.clock().getTime()) / 1000)),
    );
    await requeue(run, { seconds, outcome: "waiting", reason, errorKind, until });
  } else {
    await fenced(run, { status: "scheduled", nextAttemptAt: until, lastError: reason, errorKind });
  }
  return { outcome: "deferred", until, reason };
}

function waitingForReconnect(account: Account, why: string | null, until: Date) {
  return `Waiting for @${account.username} to be reconnected${why ? ` (${why.replace(/\.$/, "")})` : ""}; the post is checked again at ${utc(until)}.`;
}

/**
 * Back to queued with the same key and a delayed message to itself (a lost message is re-sent by the cron). Every
 * requeue shows its reason.
 */
async function requeue(
  run: Run,
  opts: {
    seconds: number;
    outcome: "waiting" | "retrying";
    reason: string;
    attempts?: number;
    errorKind?: "transient" | "deferred" | "reconnect";
    until?: Date;
  },
): Promise<PublishResult> {
  const now = run.clock();
  const until = opts.until ?? addSeconds(now, opts.seconds);
  const values: Partial<typeof socialPosts.$inferInsert> = {
    status: "queued" satisfies SocialPostStatus,
    nextAttemptAt: until,
    claimedAt: now,
    lastError: opts.reason,
    errorKind: opts.errorKind ?? (opts.attempts !== undefined ? "transient" : null),
  };
  if (opts.attempts !== undefined) values.attempts = opts.attempts;
  await fenced(run, values);
  await enqueueJob(
    run.env.SOCIAL_QUEUE,
    PUBLISH_SOCIAL_POST_JOB,
    { postId: run.post.id, idempotencyKey: run.post.idempotencyKey! } satisfies PublishPostMessage,
    opts.seconds,
  );
  return opts.outcome === "retrying"
    ? { outcome: "retrying", attempts: opts.attempts ?? run.post.attempts, until, reason: opts.reason }
    : { outcome: "waiting", until, reason: opts.reason };
}

async function handleFailure(run: Run, error: unknown): Promise<PublishResult> {
  if (error instanceof SocialProviderError) {
    switch (error.kind) {
      case "permanent":
        return fail(run, "permanent", error.message);
      case "auth": {
        const account = run.account;
        if (!account) return fail(run, "reconnect", error.message);
        const { emailIds } = await markAccountNeedsReconnect({
          db: run.db,
          workspaceId: account.workspaceId,
          accountId: account.id,
          reason: error.message,
          now: run.clock(),
          appUrl: appConfigFromEnv(run.env).appUrl,
        });
        // The notice says posts wait for the reconnect: this one does (a post whose outcome is unknown stays queued).
        await enqueueNotificationEmails(run.env.EMAIL_QUEUE, emailIds);
        const until = addSeconds(run.clock(), RECONNECT_RECHECK_SECONDS);
        return defer(run, until, waitingForReconnect(account, error.message, until), "reconnect");
      }
      case "rate_limited": {
        const until = addSeconds(run.clock(), error.details.retryAfterSeconds ?? RATE_LIMIT_DEFER_SECONDS);
        return defer(run, until, `The rate limit was reached (${error.message}); trying again at ${utc(until)}.`);
      }
      case "transient":
      case "unknown_outcome":
        return retryOrGiveUp(
          run,
          error.kind === "unknown_outcome"
            ? `The publish request's outcome is unknown (${error.message}).`
            : error.message,
        );
    }
  }
  // Our own faults (a bug, a bad row) count as attempts too, so they end in a visible failure instead of looping.
  console.error(
    JSON.stringify({
      event: "social.publish_error",
      postId: run.post.id,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  return retryOrGiveUp(run, error instanceof Error ? error.message : String(error));
}

async function retryOrGiveUp(run: Run, reason: string): Promise<PublishResult> {
  const attempts = run.post.attempts + 1;
  if (attempts < MAX_PUBLISH_ATTEMPTS) {
    return requeue(run, { seconds: RETRY_BACKOFF_SECONDS[attempts - 1], outcome: "retrying", reason, attempts });
  }
  if (outcomeUnknown(run.post) && attempts === MAX_PUBLISH_ATTEMPTS) {
    // The last attempt may have published: one more delivery only reconciles, then records it or gives up.
    return requeue(run, { seconds: RECONCILE_RECHECK_SECONDS, outcome: "retrying", reason, attempts });
  }
  await fenced(run, { attempts });
  if (outcomeUnknown(run.post))
    return fail(run, "transient", unknownOutcomeFailure(run.account, reason.replace(/\.$/, "")));
  return fail(run, "transient", gaveUp(reason));
}

function excerpt(caption: string) {
  const text = caption.replace(/\s+/g, " ").trim();
  if (!text) return "Your post";
  return `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
}
