import * as z from "zod";
import { rowId } from "../../../lib/text";
import { llmProvidersFromEnv } from "../../../services/transcription/summary";
import { summarizeTranscript } from "../../../services/transcription/transcripts";
import { workspaceProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { ZChapter, ZSummaryKind } from "./schemas";

export const ZSummarizeInput = z.object({ transcriptId: rowId("Unknown transcript.") });
export const ZSummarizeOutput = z.object({
  summary: z.string(),
  summaryKind: ZSummaryKind,
  showNotes: z.string(),
  chapters: z.array(ZChapter),
});

export const summarizeProcedure = workspaceProcedure("content.write")
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZSummarizeInput)
  .output(ZSummarizeOutput)
  .mutation(({ ctx, input }) =>
    summarizeTranscript({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      transcriptId: input.transcriptId,
      providers: llmProvidersFromEnv(ctx.env),
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
