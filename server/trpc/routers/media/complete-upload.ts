import { completeUpload } from "../../../services/media/uploads";
import { configuredTranscriptionProviders } from "../../../services/transcription/provider-config";
import { workspaceProcedure } from "../../init";
import { ZMediaId, ZMediaItem } from "./schemas";

export const ZCompleteUploadInput = ZMediaId;
export const ZCompleteUploadOutput = ZMediaItem;

export const completeUploadProcedure = workspaceProcedure("content.write")
  .input(ZCompleteUploadInput)
  .output(ZCompleteUploadOutput)
  .mutation(({ ctx, input }) =>
    completeUpload({
      db: ctx.db,
      bucket: ctx.env.MEDIA,
      workspaceId: ctx.access.workspaceId,
      mediaId: input.mediaId,
      actorUserId: ctx.auth.user.id,
      transcription: {
        queue: ctx.env.TRANSCRIPTION_QUEUE,
        providersConfigured: configuredTranscriptionProviders(ctx.env).length > 0,
      },
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
