import { z } from "zod";
import { rowId } from "../../../lib/text";
import { getEpisode } from "../../../services/podcasts/episodes";
import { workspaceProcedure } from "../../init";
import { ZEpisode, ZEpisodeAudio } from "./schemas";

export const ZGetEpisodeInput = z.object({ episodeId: rowId("Unknown episode.") });
export const ZGetEpisodeOutput = ZEpisode.extend({
  showTitle: z.string(),
  audio: ZEpisodeAudio.nullable(),
  publicUrl: z.string().nullable(),
});

export const getEpisodeProcedure = workspaceProcedure("content.read")
  .input(ZGetEpisodeInput)
  .output(ZGetEpisodeOutput)
  .query(({ ctx, input }) =>
    getEpisode({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      episodeId: input.episodeId,
      appUrl: ctx.config.appUrl,
    }),
  );
