import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { socialPosts } from "../../../db/schema";
import type { JobEnvelope, QueueProducer } from "../platform/jobs";

/**
 * The scheduling half of the publishing pipeline (ADR 010): the minute cron claims due posts and hands them to
 * the SOCIAL_QUEUE consumer (publish-post.ts), and recovers posts whose message or consumer was lost.
 */

export const PUBLISH_SOCIAL_POST_JOB = "social.publish-post";

/** Claim posts due within the next minute and deliver each with a delay, so it publishes at its time, not up to a minute late. */
const CLAIM_LOOKAHEAD_SECONDS = 60;
/** A consumer owns a post this long; past it, the post is presumed abandoned (crashed consumer) and taken over. */
export const PUBLISHING_LEASE_SECONDS = 600;
/** A queued post whose message has not arrived this long after it was due has lost its message; send another. */
export const STALLED_QUEUED_SECONDS = 300;
export const TAKEN_OVER_REASON = "The publishing run stopped without recording an outcome.";
const CLAIM_BATCH = 500;
/** Queues accepts at most 100 messages per sendBatch. */
const SEND_BATCH = 100;

export interface PublishPostMessage {
  postId: string;
  idempotencyKey: string;
}

interface Delivery extends PublishPostMessage {
  dueAt: Date;
}

const dueAt = sql`coalesce(${socialPosts.nextAttemptAt}, ${socialPosts.scheduledAt})`;

/**
 * scheduled → queued for every post due within the lookahead, in ONE statement: the row locks taken by the
 * sub-select (skipping rows another run holds) make overlapping runs claim disjoint sets. Each claim gets a
 * fresh idempotency key; only a message carrying it can take the post.
 */
export async function claimDuePosts(opts: { db: DbOrTx; now: Date; limit?: number }): Promise<Delivery[]> {
  const horizon = new Date(opts.now.getTime() + CLAIM_LOOKAHEAD_SECONDS * 1000);
  const due = opts.db
    .select({ id: socialPosts.id })
    .from(socialPosts)
    .where(and(eq(socialPosts.status, "scheduled"), lte(dueAt, sql`${horizon.toISOString()}::timestamptz`)))
    .orderBy(dueAt, socialPosts.id)
    .limit(opts.limit ?? CLAIM_BATCH)
    .for("update", { skipLocked: true });
  const claimed = await opts.db
    .update(socialPosts)
    .set({ status: "queued", claimedAt: opts.now, idempotencyKey: sql`gen_random_uuid()`, updatedAt: opts.now })
    .where(and(inArray(socialPosts.id, due), eq(socialPosts.status, "scheduled")))
    .returning({
      postId: socialPosts.id,
      idempotencyKey: socialPosts.idempotencyKey,
      scheduledAt: socialPosts.scheduledAt,
      nextAttemptAt: socialPosts.nextAttemptAt,
    });
  return claimed.map((row) => ({
    postId: row.postId,
    idempotencyKey: row.idempotencyKey!,
    dueAt: row.nextAttemptAt ?? row.scheduledAt ?? opts.now,
  }));
}

/**
 * Posts the pipeline lost track of, sent again with their current key (a duplicate delivery is harmless, the
 * consumer's conditional UPDATE admits one): queued posts whose message never arrived, and publishing posts whose
 * consumer's lease ran out. A taken-over post goes back to queued with a new lease start, so the old consumer's
 * fenced writes (claimed_at must still be its own) no longer match and it stops; the lost run counts as an attempt.
 */
async function recoverStalledPosts(opts: {
  db: DbOrTx;
  now: Date;
}): Promise<{ requeued: Delivery[]; takenOver: Delivery[] }> {
  const stalledBefore = new Date(opts.now.getTime() - STALLED_QUEUED_SECONDS * 1000);
  const leaseExpiredBefore = new Date(opts.now.getTime() - PUBLISHING_LEASE_SECONDS * 1000);
  const returning = { postId: socialPosts.id, idempotencyKey: socialPosts.idempotencyKey };
  const requeued = await opts.db
    .update(socialPosts)
    .set({ claimedAt: opts.now, updatedAt: opts.now })
    .where(
      and(
        eq(socialPosts.status, "queued"),
        sql`greatest(${socialPosts.claimedAt}, ${socialPosts.nextAttemptAt}) < ${stalledBefore.toISOString()}::timestamptz`,
      ),
    )
    .returning(returning);
  // The run that stopped may have failed on this post itself: it counts as an attempt, so a post that keeps killing
  // its consumer ends in a visible failure (the consumer refuses to start one past the limit) instead of cycling.
  const takenOver = await opts.db
    .update(socialPosts)
    .set({
      status: "queued",
      claimedAt: opts.now,
      attempts: sql`${socialPosts.attempts} + 1`,
      lastError: TAKEN_OVER_REASON,
      errorKind: "transient",
      updatedAt: opts.now,
    })
    .where(
      and(
        eq(socialPosts.status, "publishing"),
        sql`${socialPosts.claimedAt} < ${leaseExpiredBefore.toISOString()}::timestamptz`,
      ),
    )
    .returning(returning);
  const deliveries = (rows: typeof requeued) =>
    rows.map((row) => ({ postId: row.postId, idempotencyKey: row.idempotencyKey!, dueAt: opts.now }));
  return { requeued: deliveries(requeued), takenOver: deliveries(takenOver) };
}

/** Sends each delivery to the consumer, delayed until its time (Queues holds it; nothing polls). */
async function sendPublishMessages(queue: QueueProducer, deliveries: Delivery[], now: Date) {
  for (let i = 0; i < deliveries.length; i += SEND_BATCH) {
    await queue.sendBatch(
      deliveries.slice(i, i + SEND_BATCH).map((delivery) => {
        const delaySeconds = Math.max(0, Math.ceil((delivery.dueAt.getTime() - now.getTime()) / 1000));
        const body: JobEnvelope = {
          job: PUBLISH_SOCIAL_POST_JOB,
          payload: { postId: delivery.postId, idempotencyKey: delivery.idempotencyKey } satisfies PublishPostMessage,
        };
        return delaySeconds > 0 ? { body, delaySeconds } : { body };
      }),
    );
  }
}

/**
 * The minute cron: recover, claim, then send (after the UPDATEs committed; a lost send is recovered by a later run).
 */
export async function runPublishingCron(opts: { db: DbOrTx; queue: QueueProducer; now: Date }) {
  const { requeued, takenOver } = await recoverStalledPosts(opts);
  const claimed = await claimDuePosts(opts);
  await sendPublishMessages(opts.queue, [...requeued, ...takenOver, ...claimed], opts.now);
  return { claimed: claimed.length, requeued: requeued.length, takenOver: takenOver.length };
}
