import { z } from "zod";
import { rowId } from "../../../lib/text";
import { deleteEpisode } from "../../../services/podcasts/episodes";
import { workspaceProcedure } from "../../init";

export const ZDeleteEpisodeInput = z.object({ episodeId: rowId("Unknown episode.") });
export const ZDeleteEpisodeOutput = z.object({ id: z.uuid(), showId: z.uuid() });

export const deleteEpisodeProcedure = workspaceProcedure("content.write")
  .input(ZDeleteEpisodeInput)
  .output(ZDeleteEpisodeOutput)
  .mutation(({ ctx, input }) =>
    deleteEpisode({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      episodeId: input.episodeId,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
