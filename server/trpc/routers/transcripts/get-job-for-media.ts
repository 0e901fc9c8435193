import * as z from "zod";
import { rowId } from "../../../lib/text";
import { configuredTranscriptionProviders, transcriptionSetup } from "../../../services/transcription/provider-config";
import { getJobForMedia } from "../../../services/transcription/transcripts";
import { workspaceProcedure } from "../../init";
import { ZTranscriptionJob } from "./schemas";

export const ZGetJobForMediaInput = z.object({ mediaId: rowId("Unknown media file.") });
export const ZGetJobForMediaOutput = z.object({
  job: ZTranscriptionJob.nullable(),
  transcriptId: z.uuid().nullable(),
  /** False while no transcription provider is configured, so the waiting state can say what to set. */
  providersConfigured: z.boolean(),
  /** The default provider is the offline engine: English only, low accuracy (ADR 020). */
  localEngine: z.boolean(),
});

export const getJobForMediaProcedure = workspaceProcedure("content.read")
  .input(ZGetJobForMediaInput)
  .output(ZGetJobForMediaOutput)
  .query(async ({ ctx, input }) => ({
    ...(await getJobForMedia({ db: ctx.db, workspaceId: ctx.access.workspaceId, mediaId: input.mediaId })),
    providersConfigured: configuredTranscriptionProviders(ctx.env).length > 0,
    localEngine: transcriptionSetup(ctx.env) === "local",
  }));
