import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { transcriptionJobs } from "../../../db/schema";
import { enqueueJob, enqueueJobs, type QueueProducer } from "../platform/jobs";

export const TRANSCRIBE_JOB = "transcription.run";

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
  const [created] = await opts.db
    .insert(transcriptionJobs)
    .values({
      workspaceId: opts.workspaceId,
      mediaId: opts.mediaId,
      language: opts.language ?? null,
      status: opts.providersConfigured ? "queued" : "waiting_for_provider",
      createdAt: opts.now,
      updatedAt: opts.now,
    })
    .onConflictDoNothing({ target: transcriptionJobs.mediaId })
    .returning();
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
export async function startWaitingTranscriptions(opts: { db: DbOrTx; queue: QueueProducer; providersConfigured: boolean; now: Date }) {
  if (!opts.providersConfigured) return 0;
  const started = await opts.db
    .update(transcriptionJobs)
    .set({ status: "queued", updatedAt: opts.now })
    .where(eq(transcriptionJobs.status, "waiting_for_provider"))
    .returning({ id: transcriptionJobs.id });
  await enqueueJobs(opts.queue, TRANSCRIBE_JOB, started.map(({ id }) => ({ jobId: id })));
  return started.length;
}
