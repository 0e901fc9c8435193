import { and, asc, eq, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, shows, transcriptionJobs, transcripts, transcriptSegments } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { afterCommitQueue, enqueueJob, type QueueProducer } from "../platform/jobs";
import { TRANSCRIBE_JOB, requestTranscription, transcriptionQuotaError } from "./request";
import { lockWorkspaceQuota } from "../billing/usage";
import { extractiveDigest, llmDigest, type LlmProvider } from "./summary";

export const jobColumns = {
  id: transcriptionJobs.id,
  mediaId: transcriptionJobs.mediaId,
  status: transcriptionJobs.status,
  progress: transcriptionJobs.progress,
  language: transcriptionJobs.language,
  provider: transcriptionJobs.provider,
  attempts: transcriptionJobs.attempts,
  lastError: transcriptionJobs.lastError,
  createdAt: transcriptionJobs.createdAt,
  updatedAt: transcriptionJobs.updatedAt,
  startedAt: transcriptionJobs.startedAt,
  finishedAt: transcriptionJobs.finishedAt,
};

/** The media object's job (null if it was never sent for transcription) and its transcript's id once there is one. */
export async function getJobForMedia(opts: { db: DbOrTx; workspaceId: string; mediaId: string }) {
  const [row] = await opts.db
    .select({ mediaId: mediaObjects.id, job: jobColumns, transcriptId: transcripts.id })
    .from(mediaObjects)
    .leftJoin(
      transcriptionJobs,
      and(eq(transcriptionJobs.mediaId, mediaObjects.id), eq(transcriptionJobs.workspaceId, opts.workspaceId)),
    )
    .leftJoin(transcripts, and(eq(transcripts.mediaId, mediaObjects.id), eq(transcripts.workspaceId, opts.workspaceId)))
    .where(and(eq(mediaObjects.id, opts.mediaId), eq(mediaObjects.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Media file");
  return { job: row.job, transcriptId: row.transcriptId };
}

/**
 * A transcript with its media file's name, its segments in order, and the state of its job. One round trip (ADR
 * 016): the segments are read by the same transcript condition as the transcript, in the same batch.
 */
export async function getTranscript(opts: {
  db: DbOrTx;
  workspaceId: string;
  transcriptId?: string;
  mediaId?: string;
}) {
  // The transcript named by id or by its media file (media_id is unique), in this workspace.
  const named = and(
    eq(transcripts.workspaceId, opts.workspaceId),
    opts.transcriptId ? eq(transcripts.id, opts.transcriptId) : undefined,
    opts.mediaId ? eq(transcripts.mediaId, opts.mediaId) : undefined,
  );
  const [[row], segments] = await readBatch(opts.db, [
    opts.db
      .select({
        transcript: transcripts,
        media: {
          filename: mediaObjects.filename,
          contentType: mediaObjects.contentType,
          durationSeconds: mediaObjects.durationSeconds,
        },
        job: jobColumns,
        // The episode publishing this audio titles the page and decides where approval publishes it.
        episode: { id: episodes.id, title: episodes.title, status: episodes.status },
        show: { id: shows.id, title: shows.title, autoPublishTranscripts: shows.autoPublishTranscripts },
      })
      .from(transcripts)
      .innerJoin(
        mediaObjects,
        and(eq(mediaObjects.id, transcripts.mediaId), eq(mediaObjects.workspaceId, opts.workspaceId)),
      )
      .leftJoin(
        transcriptionJobs,
        and(eq(transcriptionJobs.mediaId, transcripts.mediaId), eq(transcriptionJobs.workspaceId, opts.workspaceId)),
      )
      .leftJoin(
        episodes,
        and(eq(episodes.audioMediaId, transcripts.mediaId), eq(episodes.workspaceId, opts.workspaceId)),
      )
      .leftJoin(shows, and(eq(shows.id, episodes.showId), eq(shows.workspaceId, opts.workspaceId)))
      .where(named)
      .orderBy(sql`${episodes.publishedAt} desc nulls last`, asc(episodes.createdAt))
      .limit(1),
    opts.db
      .select({
        id: transcriptSegments.id,
        position: transcriptSegments.position,
        startMs: transcriptSegments.startMs,
        endMs: transcriptSegments.endMs,
        speaker: transcriptSegments.speaker,
        text: transcriptSegments.text,
      })
      .from(transcriptSegments)
      .innerJoin(transcripts, eq(transcripts.id, transcriptSegments.transcriptId))
      .where(and(named, eq(transcriptSegments.workspaceId, opts.workspaceId)))
      .orderBy(asc(transcriptSegments.position)),
  ]);
  if (!row) throw notFound("Transcript");
  const { workspaceId: _, ...transcript } = row.transcript;
  return { ...transcript, media: row.media, job: row.job, episode: row.episode, show: row.show, segments };
}

/** Changes a segment's words only: its timings stay as transcribed, so playback sync keeps working. */
export async function updateSegmentText(input: {
  db: DbOrTx;
  workspaceId: string;
  segmentId: string;
  text: string;
  actor: Actor;
  now: Date;
}) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const [segment] = await opts.db
      .update(transcriptSegments)
      .set({ text: opts.text })
      .where(and(eq(transcriptSegments.id, opts.segmentId), eq(transcriptSegments.workspaceId, opts.workspaceId)))
      .returning({
        id: transcriptSegments.id,
        transcriptId: transcriptSegments.transcriptId,
        position: transcriptSegments.position,
        startMs: transcriptSegments.startMs,
        endMs: transcriptSegments.endMs,
        speaker: transcriptSegments.speaker,
        text: transcriptSegments.text,
      });
    if (!segment) throw notFound("Transcript line");
    await opts.db
      .update(transcripts)
      .set({ updatedAt: opts.now })
      .where(and(eq(transcripts.id, segment.transcriptId), eq(transcripts.workspaceId, opts.workspaceId)));
    await recordAudit({
      db: opts.db,
      action: "transcript.edited",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { transcriptId: segment.transcriptId, segmentId: segment.id },
      meta: opts.actor.meta,
      now: opts.now,
    });
    return segment;
  });
}

interface Actor {
  userId: string;
  meta: RequestMeta;
}

/**
 * Records the language for a media object's transcription. Without `retranscribe` it only corrects the label
 * (and is the hint for any later run). With it, the file is transcribed again with that language, replacing
 * the transcript's text and any edits; a file never sent for transcription is sent now.
 */
export async function setTranscriptionLanguage(input: {
  db: DbOrTx;
  queue: QueueProducer;
  workspaceId: string;
  mediaId: string;
  language: string | null;
  retranscribe: boolean;
  providersConfigured: boolean;
  actor: Actor;
  now: Date;
}) {
  const queued = afterCommitQueue(input.queue);
  const result = await input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx, queue: queued.queue };
    const { job: existing } = await getJobForMedia(opts);
    if (!existing) {
      if (!opts.retranscribe)
        throw new AppError(
          "PRECONDITION_FAILED",
          "This file has not been sent for transcription yet. Choose “Transcribe again” to start it with this language.",
        );
      await requestTranscription({ ...opts, now: opts.now });
    } else {
      const restart =
        opts.retranscribe &&
        (existing.status === "transcribing" || existing.status === "done" || existing.status === "failed");
      const status = restart ? (opts.providersConfigured ? "queued" : "waiting_for_provider") : existing.status;
      await opts.db.transaction(async (tx) => {
        // Transcribing again is metered again, so it needs the month's minutes like a first run.
        if (restart) {
          await lockWorkspaceQuota(tx, opts.workspaceId);
          const overQuota = await transcriptionQuotaError({
            db: tx,
            workspaceId: opts.workspaceId,
            mediaId: opts.mediaId,
            now: opts.now,
          });
          if (overQuota) throw new AppError("PRECONDITION_FAILED", overQuota);
        }
        await tx
          .update(transcriptionJobs)
          .set({
            language: opts.language,
            status,
            ...(restart ? { progress: 0, lastError: null, finishedAt: null } : {}),
            updatedAt: opts.now,
          })
          .where(and(eq(transcriptionJobs.id, existing.id), eq(transcriptionJobs.workspaceId, opts.workspaceId)));
      });
      // A run in progress is superseded: the new delivery claims the job and the old one's writes are fenced out.
      if (restart && status === "queued") await enqueueJob(opts.queue, TRANSCRIBE_JOB, { jobId: existing.id });
      if (!opts.retranscribe) {
        await opts.db
          .update(transcripts)
          .set({ language: opts.language, updatedAt: opts.now })
          .where(and(eq(transcripts.mediaId, opts.mediaId), eq(transcripts.workspaceId, opts.workspaceId)));
      }
    }
    if (opts.retranscribe) {
      await recordAudit({
        db: opts.db,
        action: "transcription.requeued",
        actorUserId: opts.actor.userId,
        workspaceId: opts.workspaceId,
        detail: { mediaId: opts.mediaId, language: opts.language },
        meta: opts.actor.meta,
        now: opts.now,
      });
    } else {
      await recordAudit({
        db: opts.db,
        action: "transcript.language_set",
        actorUserId: opts.actor.userId,
        workspaceId: opts.workspaceId,
        detail: { mediaId: opts.mediaId, language: opts.language },
        meta: opts.actor.meta,
        now: opts.now,
      });
    }
    return getJobForMedia(opts);
  });
  await queued.flush();
  return result;
}

/**
 * Puts a failed job back in the queue (or back to waiting, when no provider is configured any more). Pressing
 * Retry twice is harmless: a job already queued or running is returned as it is.
 */
export async function retryTranscriptionJob(input: {
  db: DbOrTx;
  queue: QueueProducer;
  workspaceId: string;
  jobId: string;
  providersConfigured: boolean;
  actor: Actor;
  now: Date;
}) {
  const queued = afterCommitQueue(input.queue);
  const result = await input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx, queue: queued.queue };
    const status = opts.providersConfigured ? "queued" : "waiting_for_provider";
    const [retried] = await opts.db.transaction(async (tx) => {
      // A retry transcribes again, so it needs the month's minutes (a job refused for them is retried after an upgrade).
      await lockWorkspaceQuota(tx, opts.workspaceId);
      const [failed] = await tx
        .select({ mediaId: transcriptionJobs.mediaId })
        .from(transcriptionJobs)
        .where(
          and(
            eq(transcriptionJobs.id, opts.jobId),
            eq(transcriptionJobs.workspaceId, opts.workspaceId),
            eq(transcriptionJobs.status, "failed"),
          ),
        );
      const overQuota = failed
        ? await transcriptionQuotaError({
            db: tx,
            workspaceId: opts.workspaceId,
            mediaId: failed.mediaId,
            now: opts.now,
          })
        : null;
      if (overQuota) throw new AppError("PRECONDITION_FAILED", overQuota);
      // A failed job has no run in progress, so the attempt budget can start over (the stuck-run sweep counts it).
      return tx
        .update(transcriptionJobs)
        .set({ status, progress: 0, attempts: 0, lastError: null, finishedAt: null, updatedAt: opts.now })
        .where(
          and(
            eq(transcriptionJobs.id, opts.jobId),
            eq(transcriptionJobs.workspaceId, opts.workspaceId),
            eq(transcriptionJobs.status, "failed"),
          ),
        )
        .returning(jobColumns);
    });
    if (!retried) {
      const [current] = await opts.db
        .select(jobColumns)
        .from(transcriptionJobs)
        .where(and(eq(transcriptionJobs.id, opts.jobId), eq(transcriptionJobs.workspaceId, opts.workspaceId)))
        .limit(1);
      if (!current) throw notFound("Transcription job");
      if (current.status === "done")
        throw new AppError(
          "CONFLICT",
          "This file is already transcribed. To transcribe it again, use “Transcribe again” on its transcript.",
        );
      return current;
    }
    if (status === "queued") await enqueueJob(opts.queue, TRANSCRIBE_JOB, { jobId: retried.id });
    await recordAudit({
      db: opts.db,
      action: "transcription.retried",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { jobId: retried.id, mediaId: retried.mediaId },
      meta: opts.actor.meta,
      now: opts.now,
    });
    return retried;
  });
  await queued.flush();
  return result;
}

/**
 * Writes the summary, show notes and chapters: by the configured LLM providers when there are any, otherwise
 * the extractive fallback, stored as kind "extractive" so it is never mistaken for a model's writing.
 */
export async function summarizeTranscript(opts: {
  db: DbOrTx;
  workspaceId: string;
  transcriptId: string;
  providers: LlmProvider[];
  actor: Actor;
  now: Date;
}) {
  const [transcript] = await opts.db
    .select({ id: transcripts.id, language: transcripts.language })
    .from(transcripts)
    .where(and(eq(transcripts.id, opts.transcriptId), eq(transcripts.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!transcript) throw notFound("Transcript");
  const segments = await opts.db
    .select({ startMs: transcriptSegments.startMs, endMs: transcriptSegments.endMs, text: transcriptSegments.text })
    .from(transcriptSegments)
    .where(
      and(eq(transcriptSegments.transcriptId, transcript.id), eq(transcriptSegments.workspaceId, opts.workspaceId)),
    )
    .orderBy(asc(transcriptSegments.position));
  if (segments.length === 0) throw new AppError("PRECONDITION_FAILED", "This transcript has no text to summarise.");

  let digest;
  let summaryKind: "llm" | "extractive" = "extractive";
  if (opts.providers.length > 0) {
    try {
      digest = (await llmDigest(opts.providers, segments, transcript.language)).digest;
      summaryKind = "llm";
    } catch (error) {
      // The provider's own answer can carry its endpoint and raw response body: operators read it in the log,
      // creators get what to do.
      console.warn(
        JSON.stringify({
          event: "summary.providers_failed",
          transcriptId: transcript.id,
          error: (error as Error).message,
        }),
      );
      throw new AppError("PRECONDITION_FAILED", "The AI provider could not write the summary. Try again in a minute.", {
        cause: error,
      });
    }
  } else {
    digest = extractiveDigest(segments);
  }
  return opts.db.transaction(async (tx) => {
    const [saved] = await tx
      .update(transcripts)
      .set({
        summary: digest.summary,
        summaryKind,
        showNotes: digest.showNotes,
        chapters: digest.chapters,
        // New machine chapters are reviewed again before they go public (ADR 020).
        chaptersPublishedAt: null,
        updatedAt: opts.now,
      })
      .where(and(eq(transcripts.id, transcript.id), eq(transcripts.workspaceId, opts.workspaceId)))
      .returning({
        summary: transcripts.summary,
        summaryKind: transcripts.summaryKind,
        showNotes: transcripts.showNotes,
        chapters: transcripts.chapters,
      });
    await recordAudit({
      db: tx,
      action: "transcript.summarized",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { transcriptId: transcript.id, kind: summaryKind },
      meta: opts.actor.meta,
      now: opts.now,
    });
    return { summary: saved.summary!, summaryKind, showNotes: saved.showNotes!, chapters: saved.chapters ?? [] };
  });
}
