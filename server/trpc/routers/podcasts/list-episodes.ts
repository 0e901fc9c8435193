import * as z from "zod";
import { rowId } from "../../../lib/text";
import { EPISODE_STATUSES } from "../../../../db/schema";
import { listEpisodes } from "../../../services/podcasts/episodes";
import { ZCursor, ZPageLimit } from "../../../services/podcasts/validation";
import { workspaceProcedure } from "../../init";

export const ZListEpisodesInput = z.object({
  showId: rowId("Unknown show."),
  limit: ZPageLimit,
  cursor: ZCursor.nullish(),
});
export const ZListEpisodesOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      episodeNumber: z.number().int().nullable(),
      seasonNumber: z.number().int().nullable(),
      status: z.enum(EPISODE_STATUSES),
      publishAt: z.date().nullable(),
      publishedAt: z.date().nullable(),
      createdAt: z.date(),
      hasAudio: z.boolean(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const listEpisodesProcedure = workspaceProcedure("content.read")
  .input(ZListEpisodesInput)
  .output(ZListEpisodesOutput)
  .query(({ ctx, input }) =>
    listEpisodes({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      showId: input.showId,
      limit: input.limit,
      cursor: input.cursor,
    }),
  );
