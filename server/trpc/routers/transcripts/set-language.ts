import * as z from "zod";
import { rowId } from "../../../lib/text";
import { configuredTranscriptionProviders } from "../../../services/transcription/provider-config";
import { setTranscriptionLanguage } from "../../../services/transcription/transcripts";
import { workspaceProcedure } from "../../init";
import { ZGetJobForMediaOutput } from "./get-job-for-media";
import { ZTranscriptLanguage } from "./schemas";

export const ZSetLanguageInput = z.object({
  mediaId: rowId("Unknown media file."),
  language: ZTranscriptLanguage,
  /** Transcribe the file again with this language (replaces the text and its edits). */
  retranscribe: z.boolean().default(false),
});
export const ZSetLanguageOutput = ZGetJobForMediaOutput.omit({ providersConfigured: true, localEngine: true });

export const setLanguageProcedure = workspaceProcedure("content.write")
  .input(ZSetLanguageInput)
  .output(ZSetLanguageOutput)
  .mutation(({ ctx, input }) =>
    setTranscriptionLanguage({
      db: ctx.db,
      queue: ctx.env.TRANSCRIPTION_QUEUE,
      workspaceId: ctx.access.workspaceId,
      mediaId: input.mediaId,
      language: input.language,
      retranscribe: input.retranscribe,
      providersConfigured: configuredTranscriptionProviders(ctx.env).length > 0,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
