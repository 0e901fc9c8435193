import * as z from "zod";
import { rowId } from "../../../lib/text";
import { EPISODE_STATUSES } from "../../../../db/schema";
import { configuredTranscriptionProviders, transcriptionSetup } from "../../../services/transcription/provider-config";
import { llmProvidersFromEnv } from "../../../services/transcription/summary";
import { getTranscript } from "../../../services/transcription/transcripts";
import { workspaceProcedure } from "../../init";
import { ZChapter, ZSummaryKind, ZTranscriptionJob } from "./schemas";

export const ZGetTranscriptInput = z
  .object({ transcriptId: rowId("Unknown transcript.").optional(), mediaId: rowId("Unknown media file.").optional() })
  .refine(
    (input) => Boolean(input.transcriptId) !== Boolean(input.mediaId),
    "Name either the transcript or its media file.",
  );

export const ZTranscriptSegment = z.object({
  id: z.uuid(),
  position: z.number().int(),
  startMs: z.number().int(),
  endMs: z.number().int(),
  speaker: z.string().nullable(),
  text: z.string(),
});

export const ZGetTranscriptOutput = z.object({
  id: z.uuid(),
  mediaId: z.uuid(),
  episodeId: z.uuid().nullable(),
  language: z.string().nullable(),
  provider: z.string(),
  summary: z.string().nullable(),
  summaryKind: ZSummaryKind.nullable(),
  showNotes: z.string().nullable(),
  chapters: z.array(ZChapter).nullable(),
  /** Approval for the public episode page and feed (ADR 020); null: private unless the show auto-publishes. */
  transcriptPublishedAt: z.date().nullable(),
  chaptersPublishedAt: z.date().nullable(),
  /** The episode publishing this audio, if any, and its show. */
  episode: z.object({ id: z.uuid(), title: z.string(), status: z.enum(EPISODE_STATUSES) }).nullable(),
  show: z.object({ id: z.uuid(), title: z.string(), autoPublishTranscripts: z.boolean() }).nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  media: z.object({ filename: z.string(), contentType: z.string(), durationSeconds: z.number().int().nullable() }),
  job: ZTranscriptionJob.nullable(),
  segments: z.array(ZTranscriptSegment),
  /** What "Generate" will use: a configured LLM, or the extractive fallback. */
  summaryMode: ZSummaryKind,
  /** As transcripts.getJobForMedia says it, so the transcript page needs no second query for its job's state. */
  providersConfigured: z.boolean(),
  /** The default provider is the offline engine: English only, low accuracy (ADR 020). */
  localEngine: z.boolean(),
});

export const getTranscriptProcedure = workspaceProcedure("content.read")
  .input(ZGetTranscriptInput)
  .output(ZGetTranscriptOutput)
  .query(async ({ ctx, input }) => ({
    ...(await getTranscript({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      transcriptId: input.transcriptId,
      mediaId: input.mediaId,
    })),
    summaryMode: llmProvidersFromEnv(ctx.env).length > 0 ? ("llm" as const) : ("extractive" as const),
    providersConfigured: configuredTranscriptionProviders(ctx.env).length > 0,
    localEngine: transcriptionSetup(ctx.env) === "local",
  }));
