import * as z from "zod";
import { listShows } from "../../../services/podcasts/shows";
import { ZCursor, ZPageLimit } from "../../../services/podcasts/validation";
import { workspaceProcedure } from "../../init";

export const ZListShowsInput = z.object({ limit: ZPageLimit, cursor: ZCursor.nullish() });
export const ZListShowsOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      category: z.string(),
      language: z.string(),
      createdAt: z.date(),
      episodeCount: z.number().int(),
      publishedCount: z.number().int(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const listShowsProcedure = workspaceProcedure("content.read")
  .input(ZListShowsInput)
  .output(ZListShowsOutput)
  .query(({ ctx, input }) =>
    listShows({ db: ctx.db, workspaceId: ctx.access.workspaceId, limit: input.limit, cursor: input.cursor }),
  );
