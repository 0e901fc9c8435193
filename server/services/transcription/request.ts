import { and, eq, gte, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { mediaObjects, transcriptionJobs } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { assertCanTranscribe, estimateDurationSeconds, lockWorkspaceQuota } from "../billing/usage";
import { enqueueJob, enqueueJobs, type QueueProducer } from "../platform/jobs";
import { TRANSCRIPTION_LEASE_MS, TRANSCRIPTION_MAX_ATTEMPTS } from "./run";

export const TRANSCRIBE_JOB = "transcription.run";

/** The minutes-quota message for transcribing this file now, or null when the plan has room for it. */
export async function transcriptionQuotaError(opts: {
  db: DbOrTx;
  workspaceId: string;
  mediaId: string;
  now: Date;
}): Promise<string | null> {
  const [media] = await opts.db
    .select({
      durationSeconds: mediaObjects.durationSeconds,
      contentType: mediaObjects.contentType,
      declaredSize: mediaObjects.declaredSize,
    })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.id, opts.mediaId), eq(mediaObjects.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!media) return null;
  try {
    await assertCanTranscribe({
      db: opts.db,
      workspaceId: opts.workspaceId,
      seconds: estimateDurationSeconds(media),
      excludeMediaId: opts.mediaId,
      now: opts.now,
    });
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
}

/**
 * Creates the media object's transcription job, at most once: a second request (a repeated upload completion, a
 * redelivered message) returns the existing job. Without a configured provider the job waits, visibly, instead
 * of being queued to fail.
 */
export async function requestTranscription(opts: {
  db: DbOrTx;
  queue: QueueProducer;
  workspaceId: string;
  mediaId: string;
  language?: string | null;
  providersConfigured: boolean;
  now: Date;
}) {
  const [created] = await opts.db.transaction(async (tx) => {
    // Over the month's minutes the job is created failed, with the quota message as its error: the upload that
    // asked for it still succeeds, and the file shows why it was not transcribed (Retry works after an upgrade).
    await lockWorkspaceQuota(tx, opts.workspaceId);
    const overQuota = await transcriptionQuotaError({
      db: tx,
      workspaceId: opts.workspaceId,
      mediaId: opts.mediaId,
      now: opts.now,
    });
    return tx
      .insert(transcriptionJobs)
      .values({
        workspaceId: opts.workspaceId,
        mediaId: opts.mediaId,
        language: opts.language ?? null,
        status: overQuota ? "failed" : opts.providersConfigured ? "queued" : "waiting_for_provider",
        lastError: overQuota,
        finishedAt: overQuota ? opts.now : null,
        createdAt: opts.now,
        updatedAt: opts.now,
      })
      .onConflictDoNothing({ target: transcriptionJobs.mediaId })
      .returning();
  });
  if (created) {
    if (created.status === "queued") await enqueueJob(opts.queue, TRANSCRIBE_JOB, { jobId: created.id });
    return created;
  }
  const [existing] = await opts.db
    .select()
    .from(transcriptionJobs)
    .where(and(eq(transcriptionJobs.mediaId, opts.mediaId), eq(transcriptionJobs.workspaceId, opts.workspaceId)))
    .limit(1);
  return existing;
}

/** Once a provider is configured, every waiting job is queued (run by the per-minute cron). */
export async function startWaitingTranscriptions(opts: {
  db: DbOrTx;
  queue: QueueProducer;
  providersConfigured: boolean;
  now: Date;
}) {
  if (!opts.providersConfigured) return 0;
  const started = await opts.db
    .update(transcriptionJobs)
    .set({ status: "queued", updatedAt: opts.now })
    .where(eq(transcriptionJobs.status, "waiting_for_provider"))
    .returning({ id: transcriptionJobs.id });
  await enqueueJobs(
    opts.queue,
    TRANSCRIBE_JOB,
    started.map(({ id }) => ({ jobId: id })),
  );
  return started.length;
}

/** A queued job untouched this long has no message left in the queue (the longest retry delay is minutes). */
export const LOST_MESSAGE_AFTER_MS = 10 * 60_000;

/**
 * Brings back jobs nothing is working on (run by the per-minute cron, like the email outbox sweep): a queued
 * job whose message was lost (the enqueue after the insert failed) is queued again; a job left `transcribing`
 * by a run that died (evicted, over a limit) is queued again, or failed once it has used its attempts, so a
 * file that always kills its run does not loop forever.
 */
export async function recoverStalledTranscriptions(opts: { db: DbOrTx; queue: QueueProducer; now: Date }) {
  const lostBefore = new Date(opts.now.getTime() - LOST_MESSAGE_AFTER_MS);
  const diedBefore = new Date(opts.now.getTime() - TRANSCRIPTION_LEASE_MS);
  const dead = and(eq(transcriptionJobs.status, "transcribing"), lt(transcriptionJobs.updatedAt, diedBefore));
  const failed = await opts.db
    .update(transcriptionJobs)
    .set({
      status: "failed",
      lastError: sql`'The transcription stopped unexpectedly ' || ${transcriptionJobs.attempts} || ' times; the file may be too long to transcribe in one 15-minute run. Split it and upload the parts.'`,
      finishedAt: opts.now,
      updatedAt: opts.now,
    })
    .where(and(dead, gte(transcriptionJobs.attempts, TRANSCRIPTION_MAX_ATTEMPTS)))
    .returning({ id: transcriptionJobs.id });
  const requeued = await opts.db
    .update(transcriptionJobs)
    .set({
      status: "queued",
      progress: 0,
      lastError: sql`case when ${transcriptionJobs.status} = 'transcribing' then 'The previous run stopped unexpectedly; trying again.' else ${transcriptionJobs.lastError} end`,
      updatedAt: opts.now,
    })
    .where(or(and(eq(transcriptionJobs.status, "queued"), lt(transcriptionJobs.updatedAt, lostBefore)), dead))
    .returning({ id: transcriptionJobs.id });
  await enqueueJobs(
    opts.queue,
    TRANSCRIBE_JOB,
    requeued.map(({ id }) => ({ jobId: id })),
  );
  return { requeued: requeued.length, failed: failed.length };
}
