import * as z from "zod";
import { listPosts, POST_LIST_FILTERS } from "../../../services/social/posts";
import { workspaceProcedure } from "../../init";
import { ZPageCursor, ZPostSummary } from "./schemas";

export const ZListPostsInput = z.object({
  filter: z.enum(POST_LIST_FILTERS).default("scheduled"),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: ZPageCursor,
});
export const ZListPostsOutput = z.object({ items: z.array(ZPostSummary), nextCursor: z.string().nullable() });

export const listPostsProcedure = workspaceProcedure("content.read")
  .input(ZListPostsInput)
  .output(ZListPostsOutput)
  .query(({ ctx, input }) =>
    listPosts({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      filter: input.filter,
      limit: input.limit,
      cursor: input.cursor,
    }),
  );
