import * as z from "zod";
import { CONTENT_VISIBILITIES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { listPublicPosts } from "../../../services/posts/public";
import { publicProcedure } from "../../init";

export const ZListPublicPostsInput = z.object({
  workspaceId: rowId("Unknown creator."),
  limit: z.number().int().min(1).max(50).default(5),
});
export const ZListPublicPostsOutput = z.array(
  z.object({
    id: z.uuid(),
    title: z.string(),
    excerpt: z.string(),
    visibility: z.enum(CONTENT_VISIBILITIES),
    publishedAt: z.date().nullable(),
    pageUrl: z.string(),
  }),
);

/** A creator's latest published posts: titles and teasers only, the same for every viewer. */
export const listPublicPostsProcedure = publicProcedure
  .input(ZListPublicPostsInput)
  .output(ZListPublicPostsOutput)
  .query(({ ctx, input }) =>
    listPublicPosts({ db: ctx.db, workspaceId: input.workspaceId, limit: input.limit, appUrl: ctx.config.appUrl }),
  );
