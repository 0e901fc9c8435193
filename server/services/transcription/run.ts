import { and, eq, lt, or, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, transcriptionJobs, transcripts, transcriptSegments } from "../../../db/schema";
import type { Clock } from "../../lib/clock";
import { recordHostReadEvidenceForMedia } from "../ads/host-read-evidence";
import { recordUsage } from "../billing/usage";
import {
  AudioFormatError,
  buildWavPiece,
  cutMpegWindow,
  id3v2Length,
  planWavPieces,
  readWavLayout,
  sniffAudioFormat,
  SPLITTABLE_FORMATS_LABEL,
  type RangeReader,
} from "./audio-chunks";
import {
  ProviderError,
  type TranscribedSegment,
  type TranscriptionProvider,
  type TranscriptionResult,
} from "./providers";
import { ownValue } from "../../lib/records";
import { cleanExternalText } from "../../lib/text";

/**
 * A delivery that finds the job `transcribing` leaves it to the one running it, unless that run started longer
 * ago than a queue consumer may live (15 minutes wall clock): then it died and this delivery takes over.
 */
export const TRANSCRIPTION_LEASE_MS = 15 * 60_000;

/** Matches max_retries = 5 on greenroom-transcription in wrangler.toml: the first try plus five retries. */
export const TRANSCRIPTION_MAX_ATTEMPTS = 6;

/** The media object cannot be transcribed as it is; retrying will not help. */
export class MediaUnusableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MediaUnusableError";
  }
}

/** The media object is not ready yet (still being verified); worth retrying later. */
class MediaNotReadyError extends Error {}

export type MediaBucket = Pick<R2Bucket, "get" | "head">;

export type TranscriptionRunOutcome =
  "missing" | "already-done" | "not-queued" | "waiting-for-provider" | "busy" | "done" | "failed" | "superseded";

/**
 * Runs one transcription job, idempotently. Only a delivery that claims the job (queued -> transcribing, which
 * bumps `attempts`) works on it, and every later write is fenced on that attempt number, so a duplicate or
 * superseded delivery never writes. The transcript, its segments and `done` commit together; the transcript
 * row is unique per media object, so even a fenced-out race cannot create a second one.
 *
 * A permanent failure (unreadable file, provider refusal) marks the job failed with the reason and returns.
 * A transient one is recorded as `lastError`, puts the job back to queued and is rethrown so the queue retries
 * with backoff; on the final attempt the job is marked failed first (the message then goes to the DLQ).
 */
/** The transcribed length to meter: the file's measured duration when known, else where its last segment ends. */
function transcribedSeconds(media: { durationSeconds: number | null }, segments: TranscribedSegment[]): number {
  if (media.durationSeconds != null) return media.durationSeconds;
  return Math.ceil(Math.max(0, ...segments.map((s) => s.endMs)) / 1000);
}

export async function runTranscriptionJob(opts: {
  db: Database;
  bucket: MediaBucket;
  providers: TranscriptionProvider[];
  jobId: string;
  finalAttempt: boolean;
  clock: Clock;
}): Promise<{ outcome: TranscriptionRunOutcome }> {
  const { db, clock } = opts;
  const [job] = await db.select().from(transcriptionJobs).where(eq(transcriptionJobs.id, opts.jobId)).limit(1);
  if (!job) return { outcome: "missing" };
  if (job.status === "done") return { outcome: "already-done" };
  // A failed job waits for its Retry button; a waiting one is queued by the cron once a provider exists.
  if (job.status === "failed" || job.status === "waiting_for_provider") return { outcome: "not-queued" };
  if (opts.providers.length === 0) {
    await db
      .update(transcriptionJobs)
      .set({ status: "waiting_for_provider", updatedAt: clock() })
      .where(and(eq(transcriptionJobs.id, job.id), eq(transcriptionJobs.status, "queued")));
    return { outcome: "waiting-for-provider" };
  }

  const startedAt = clock();
  const [claimed] = await db
    .update(transcriptionJobs)
    .set({
      status: "transcribing",
      attempts: sql`${transcriptionJobs.attempts} + 1`,
      progress: 0,
      provider: opts.providers[0].id,
      startedAt,
      finishedAt: null,
      updatedAt: startedAt,
    })
    .where(
      and(
        eq(transcriptionJobs.id, job.id),
        or(
          eq(transcriptionJobs.status, "queued"),
          and(
            eq(transcriptionJobs.status, "transcribing"),
            lt(transcriptionJobs.startedAt, new Date(startedAt.getTime() - TRANSCRIPTION_LEASE_MS)),
          ),
        ),
      ),
    )
    .returning();
  if (!claimed) return { outcome: "busy" };
  const fence = and(
    eq(transcriptionJobs.id, claimed.id),
    eq(transcriptionJobs.status, "transcribing"),
    eq(transcriptionJobs.attempts, claimed.attempts),
  );

  try {
    const [media] = await db
      .select()
      .from(mediaObjects)
      .where(and(eq(mediaObjects.id, claimed.mediaId), eq(mediaObjects.workspaceId, claimed.workspaceId)))
      .limit(1);
    if (!media) throw new MediaUnusableError("The media file was deleted.");
    const { result, providerIds } = await transcribeMedia({
      bucket: opts.bucket,
      media,
      providers: opts.providers,
      language: claimed.language,
      onProgress: async (progress, used) => {
        await db
          .update(transcriptionJobs)
          .set({ progress, provider: used.join(", "), updatedAt: clock() })
          .where(fence);
      },
    });
    const outcome = await db.transaction(async (tx) => {
      const now = clock();
      const [done] = await tx
        .update(transcriptionJobs)
        .set({
          status: "done",
          progress: 100,
          provider: providerIds.join(", "),
          lastError: null,
          finishedAt: now,
          updatedAt: now,
        })
        .where(fence)
        .returning({ id: transcriptionJobs.id });
      if (!done) return "superseded" as const;
      // Metered in the transaction that completes the run, keyed by this claim, so a duplicate completion never
      // counts twice and a retranscription (a new claim) counts again.
      await recordUsage({
        db: tx,
        workspaceId: claimed.workspaceId,
        metric: "transcription_seconds",
        quantity: transcribedSeconds(media, result.segments),
        sourceId: `transcription:${claimed.id}:${startedAt.toISOString()}`,
        now,
      });
      await saveTranscript(tx, {
        workspaceId: claimed.workspaceId,
        mediaId: claimed.mediaId,
        language: claimed.language ?? result.language,
        provider: providerIds.join(", "),
        segments: result.segments,
        now,
      });
      return "done" as const;
    });
    if (outcome === "done") await searchHostReads(db, claimed.workspaceId, claimed.mediaId, clock());
    return { outcome };
  } catch (error) {
    const permanent =
      error instanceof AudioFormatError ||
      error instanceof MediaUnusableError ||
      (error instanceof ProviderError && !error.transient);
    const fails = permanent || opts.finalAttempt;
    const now = clock();
    const [recorded] = await db
      .update(transcriptionJobs)
      .set({
        status: fails ? "failed" : "queued",
        lastError: describeFailure(error).slice(0, 1000),
        progress: 0,
        finishedAt: fails ? now : null,
        updatedAt: now,
      })
      .where(fence)
      .returning({ id: transcriptionJobs.id });
    console.error(
      JSON.stringify({
        event: "transcription.failed",
        jobId: claimed.id,
        attempt: claimed.attempts,
        permanent,
        final: fails,
        error: describeFailure(error),
      }),
    );
    if (!recorded) return { outcome: "superseded" };
    if (permanent) return { outcome: "failed" };
    throw error;
  }
}

/**
 * Host-read proof (ADR 024) runs once the transcript is committed. It must never undo a finished transcription, so a
 * failure is logged; the campaign page then shows the read as not yet checked.
 */
async function searchHostReads(db: Database, workspaceId: string, mediaId: string, now: Date) {
  try {
    await recordHostReadEvidenceForMedia({ db, workspaceId, mediaId, now });
  } catch (error) {
    console.error(
      JSON.stringify({ event: "host_read_evidence.failed", workspaceId, mediaId, error: describeFailure(error) }),
    );
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof MediaNotReadyError) return `Waiting for the upload to finish its checks: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

type MediaRow = typeof mediaObjects.$inferSelect;

interface Piece {
  audio: Uint8Array<ArrayBuffer>;
  contentType: string;
  filename: string;
  /** Where the piece starts in the original, exact (fractional) milliseconds. */
  startMs: number;
  /** Known for split pieces (from the WAV header or MPEG frames); null for a file sent whole. */
  durationMs: number | null;
  /** Bytes of the original covered once this piece is done, for progress. */
  doneBytes: number;
}

/**
 * Sends the file whole when every provider accepts its size; otherwise splits WAV and MP3 into pieces no larger
 * than the smallest provider limit, reading each piece with its own ranged get. Segment times are offset by
 * each piece's start and returned in order.
 */
export async function transcribeMedia(opts: {
  bucket: MediaBucket;
  media: Pick<MediaRow, "r2Key" | "filename" | "contentType" | "kind" | "status" | "rejectionReason">;
  providers: TranscriptionProvider[];
  language: string | null;
  onProgress: (progress: number, providerIds: string[]) => Promise<void>;
}): Promise<{ result: TranscriptionResult; providerIds: string[] }> {
  const { media } = opts;
  if (media.status === "rejected")
    throw new MediaUnusableError(`The upload was rejected: ${media.rejectionReason ?? "it failed a check"}.`);
  if (media.status !== "ready") throw new MediaNotReadyError(`the file is still ${media.status}.`);
  if (media.kind === "image") throw new MediaUnusableError("Only audio and video files can be transcribed.");
  const stored = await opts.bucket.head(media.r2Key);
  if (!stored) throw new MediaUnusableError("The media file is no longer in storage.");
  const size = stored.size;
  const read: RangeReader = async (offset, length) => {
    const object = await opts.bucket.get(media.r2Key, { range: { offset, length } });
    if (!object) throw new MediaUnusableError("The media file is no longer in storage.");
    return new Uint8Array(await object.arrayBuffer());
  };

  const used: string[] = [];
  const segments: TranscribedSegment[] = [];
  let language: string | null = null;
  const send = async (piece: Piece, providers: TranscriptionProvider[]) => {
    const { provider, result } = await transcribeWithFallback(providers, { ...piece, language: opts.language });
    if (!used.includes(provider.id)) used.push(provider.id);
    language ??= result.language;
    for (const segment of result.segments) {
      if (!segment.text) continue;
      const startMs = Math.round(piece.startMs + Math.max(0, segment.startMs));
      // A provider that returned plain text (no timings) gets the piece's known end.
      const rawEnd = segment.endMs > segment.startMs ? segment.endMs : (piece.durationMs ?? segment.endMs);
      segments.push({ ...segment, startMs, endMs: Math.max(startMs, Math.round(piece.startMs + rawEnd)) });
    }
    await opts.onProgress(Math.min(99, Math.floor((piece.doneBytes / size) * 100)), used);
  };

  const limit = Math.min(...opts.providers.map((p) => p.maxBytes));
  const head = await read(0, Math.min(size, limit, 64 * 1024));
  const format = sniffAudioFormat(head);
  const stem = media.filename.replace(/\.[^.]*$/, "") || "audio";

  if (size <= limit || format === "other") {
    const able = opts.providers.filter((p) => p.maxBytes >= size);
    if (able.length === 0) {
      throw new AudioFormatError(
        `This file is ${megabytes(size)}, more than the ${megabytes(limit)} a transcription provider accepts in one request, and only ${SPLITTABLE_FORMATS_LABEL} files can be split automatically. Convert it to MP3 or WAV and upload it again.`,
      );
    }
    const audio = size <= head.length ? head : await read(0, size);
    await send(
      {
        audio,
        contentType: media.contentType,
        filename: filenameWithExtension(media.filename, media.contentType, format),
        startMs: 0,
        durationMs: null,
        doneBytes: size,
      },
      able,
    );
  } else if (format === "wav") {
    const layout = await readWavLayout(read, size);
    const pieces = planWavPieces(layout, limit);
    for (const [index, piece] of pieces.entries()) {
      const audio = buildWavPiece(layout, await read(piece.offset, piece.length));
      await send(
        {
          audio,
          contentType: "audio/wav",
          filename: `${stem}.part${index + 1}.wav`,
          startMs: piece.startMs,
          durationMs: piece.durationMs,
          doneBytes: piece.offset + piece.length,
        },
        opts.providers,
      );
    }
  } else {
    let position = id3v2Length(head);
    let startMs = 0;
    for (let index = 1; position < size; index++) {
      const length = Math.min(limit, size - position);
      const final = position + length >= size;
      const window = await read(position, length);
      const cut = cutMpegWindow(window, final);
      if (cut.hasAudio) {
        const audio = window.subarray(0, cut.length);
        await send(
          {
            audio,
            contentType: "audio/mpeg",
            filename: `${stem}.part${index}.mp3`,
            startMs,
            durationMs: cut.durationMs,
            doneBytes: position + cut.length,
          },
          opts.providers,
        );
      }
      startMs += cut.durationMs;
      position += cut.length;
    }
    if (used.length === 0) throw new AudioFormatError("No MPEG audio frames were found in the MP3 file.");
  }
  return { result: { language, segments }, providerIds: used };
}

/**
 * Tries the providers in order. A transient failure moves on to the next one; a permanent one ends the job
 * with that provider's message; if all fail transiently, the combined reasons are thrown (transient).
 */
export async function transcribeWithFallback(
  providers: TranscriptionProvider[],
  request: Parameters<TranscriptionProvider["transcribe"]>[0],
): Promise<{ provider: TranscriptionProvider; result: TranscriptionResult }> {
  const failures: ProviderError[] = [];
  for (const provider of providers) {
    try {
      return { provider, result: await provider.transcribe(request) };
    } catch (error) {
      const failure =
        error instanceof ProviderError
          ? error
          : new ProviderError(provider.id, error instanceof Error ? error.message : String(error), true);
      console.warn(
        JSON.stringify({
          event: "transcription.provider_failed",
          provider: provider.id,
          transient: failure.transient,
          error: failure.message,
        }),
      );
      if (!failure.transient) throw failure;
      failures.push(failure);
    }
  }
  throw new ProviderError(
    failures.map((f) => f.provider).join(", "),
    failures.map((f) => `${f.provider}: ${f.message}`).join(" — "),
    true,
  );
}

/** Inserts the media object's transcript, or replaces the text of the one a re-transcription supersedes. */
async function saveTranscript(
  tx: DbOrTx,
  opts: {
    workspaceId: string;
    mediaId: string;
    language: string | null;
    provider: string;
    segments: TranscribedSegment[];
    now: Date;
  },
) {
  const [episode] = await tx
    .select({ id: episodes.id })
    .from(episodes)
    .where(and(eq(episodes.workspaceId, opts.workspaceId), eq(episodes.audioMediaId, opts.mediaId)))
    .limit(1);
  const [inserted] = await tx
    .insert(transcripts)
    .values({
      workspaceId: opts.workspaceId,
      mediaId: opts.mediaId,
      episodeId: episode?.id ?? null,
      language: cleanExternalText(opts.language),
      provider: opts.provider,
      createdAt: opts.now,
      updatedAt: opts.now,
    })
    .onConflictDoNothing({ target: transcripts.mediaId })
    .returning({ id: transcripts.id });
  let transcriptId = inserted?.id;
  if (!transcriptId) {
    // The summary described the old text, so it goes with it; the transcript keeps its id (and links).
    const [existing] = await tx
      .update(transcripts)
      .set({
        language: opts.language,
        provider: opts.provider,
        summary: null,
        summaryKind: null,
        showNotes: null,
        chapters: null,
        // New machine text is reviewed again before it goes public (ADR 020).
        transcriptPublishedAt: null,
        chaptersPublishedAt: null,
        updatedAt: opts.now,
      })
      .where(and(eq(transcripts.mediaId, opts.mediaId), eq(transcripts.workspaceId, opts.workspaceId)))
      .returning({ id: transcripts.id });
    transcriptId = existing.id;
    await tx.delete(transcriptSegments).where(eq(transcriptSegments.transcriptId, transcriptId));
  }
  const rows = opts.segments.map((segment, position) => ({
    workspaceId: opts.workspaceId,
    transcriptId: transcriptId!,
    position,
    startMs: segment.startMs,
    endMs: segment.endMs,
    // Provider text (Workers AI answers as objects, not JSON text) is cleaned here, where it enters Postgres.
    speaker: cleanExternalText(segment.speaker ?? null),
    text: cleanExternalText(segment.text),
  }));
  // Postgres caps a statement at 65,535 parameters; 1,000 rows of 7 columns stay far below it.
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(transcriptSegments).values(rows.slice(i, i + 1000));
}

const megabytes = (bytes: number) =>
  bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.round(bytes / 1000)} KB`;

const EXTENSIONS: Record<string, string> = {
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/vnd.wave": "wav",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/aac": "m4a",
  "audio/ogg": "ogg",
  "audio/opus": "ogg",
  "audio/webm": "webm",
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "video/mp4": "mp4",
  "video/webm": "webm",
};
const KNOWN_EXTENSIONS = new Set(["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"]);

/** OpenAI-compatible servers pick the decoder by the upload's file extension, so the name must carry one. */
function filenameWithExtension(filename: string, contentType: string, format: ReturnType<typeof sniffAudioFormat>) {
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  if (extension && KNOWN_EXTENSIONS.has(extension)) return filename;
  const guessed =
    format === "wav"
      ? "wav"
      : format === "mp3"
        ? "mp3"
        : (ownValue(EXTENSIONS, contentType.split(";")[0].trim().toLowerCase()) ?? "mp3");
  return `${filename || "audio"}.${guessed}`;
}
