import * as z from "zod";
import { purgePublicShow } from "../../../lib/edge-cache";
import { rowId } from "../../../lib/text";
import { setShowAutoPublish } from "../../../services/transcription/publication";
import { workspaceProcedure } from "../../init";

/** A show setting: its episodes' machine transcripts and chapters go public without review. */
export const ZSetShowAutoPublishInput = z.object({
  showId: rowId("Unknown show."),
  enabled: z.boolean(),
});
export const ZSetShowAutoPublishOutput = z.object({ showId: z.uuid(), autoPublishTranscripts: z.boolean() });

export const setShowAutoPublishProcedure = workspaceProcedure("content.write")
  .input(ZSetShowAutoPublishInput)
  .output(ZSetShowAutoPublishOutput)
  .mutation(async ({ ctx, input }) => {
    const { episodeIds, ...result } = await setShowAutoPublish({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      showId: input.showId,
      enabled: input.enabled,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    });
    // Every episode page and transcript file of the show may change; drop cached copies (ADR 017).
    await purgePublicShow({ appUrl: ctx.config.appUrl, showId: result.showId, episodeIds });
    return result;
  });
