import * as z from "zod";
import { SUMMARY_KINDS, TRANSCRIPTION_STATUSES } from "../../../../db/schema";
import { TRANSCRIPT_LANGUAGE_CODES } from "../../../services/transcription/languages";

/** Shared by the transcript procedures: a job's visible state, and the chapter shape. */
export const ZTranscriptionJob = z.object({
  id: z.uuid(),
  mediaId: z.uuid(),
  status: z.enum(TRANSCRIPTION_STATUSES),
  progress: z.number().int().min(0).max(100),
  language: z.string().nullable(),
  provider: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});

export const ZChapter = z.object({ startMs: z.number().int().nonnegative(), title: z.string() });
export const ZSummaryKind = z.enum(SUMMARY_KINDS);

/** A language code providers accept, or null for "detect it". */
export const ZTranscriptLanguage = z.enum(TRANSCRIPT_LANGUAGE_CODES, "Choose a language from the list.").nullable();
