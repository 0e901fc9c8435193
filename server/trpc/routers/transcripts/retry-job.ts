import * as z from "zod";
import { rowId } from "../../../lib/text";
import { configuredTranscriptionProviders } from "../../../services/transcription/provider-config";
import { retryTranscriptionJob } from "../../../services/transcription/transcripts";
import { workspaceProcedure } from "../../init";
import { ZTranscriptionJob } from "./schemas";

export const ZRetryJobInput = z.object({ jobId: rowId("Unknown transcription job.") });
export const ZRetryJobOutput = ZTranscriptionJob;

export const retryJobProcedure = workspaceProcedure("content.write")
  .input(ZRetryJobInput)
  .output(ZRetryJobOutput)
  .mutation(({ ctx, input }) =>
    retryTranscriptionJob({
      db: ctx.db,
      queue: ctx.env.TRANSCRIPTION_QUEUE,
      workspaceId: ctx.access.workspaceId,
      jobId: input.jobId,
      providersConfigured: configuredTranscriptionProviders(ctx.env).length > 0,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
