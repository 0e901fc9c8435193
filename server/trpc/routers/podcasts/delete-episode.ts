import * as z from "zod";
import { rowId } from "../../../lib/text";
import { deleteEpisode } from "../../../services/podcasts/episodes";
import { workspaceProcedure } from "../../init";
import { purgePublicShow } from "../../../lib/edge-cache";

export const ZDeleteEpisodeInput = z.object({ episodeId: rowId("Unknown episode.") });
export const ZDeleteEpisodeOutput = z.object({ id: z.uuid(), showId: z.uuid() });

export const deleteEpisodeProcedure = workspaceProcedure("content.write")
  .input(ZDeleteEpisodeInput)
  .output(ZDeleteEpisodeOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await deleteEpisode({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      episodeId: input.episodeId,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    // The public feed and pages change with this write; drop this colo's cached copies (ADR 017).
    await purgePublicShow({ appUrl: ctx.config.appUrl, showId: result.showId, episodeIds: [result.id] });
    return result;
  });
