import * as z from "zod";
import { CONTENT_VISIBILITIES } from "../../../../db/schema";
import { rowId, text } from "../../../lib/text";
import { searchPublicPosts } from "../../../services/posts/public";
import { publicProcedure } from "../../init";
import { ZSnippet } from "./schemas";

export const ZSearchPublicPostsInput = z.object({
  workspaceId: rowId("Unknown creator."),
  q: text("search", {
    min: 1,
    max: 200,
    empty: "Enter something to search for.",
    tooLong: "Use at most 200 characters.",
  }),
  limit: z.number().int().min(1).max(50).default(20),
});
export const ZSearchPublicPostsOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      visibility: z.enum(CONTENT_VISIBILITIES),
      publishedAt: z.date().nullable(),
      pageUrl: z.string(),
      /** The caller may not read it: found and quoted by its title and teaser only. */
      locked: z.boolean(),
      snippet: ZSnippet,
    }),
  ),
});

export const searchPublicPostsProcedure = publicProcedure
  .input(ZSearchPublicPostsInput)
  .output(ZSearchPublicPostsOutput)
  .query(({ ctx, input }) =>
    searchPublicPosts({
      db: ctx.db,
      workspaceId: input.workspaceId,
      query: input.q,
      auth: ctx.auth,
      now: ctx.clock(),
      limit: input.limit,
      appUrl: ctx.config.appUrl,
    }),
  );
