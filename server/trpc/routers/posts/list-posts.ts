import * as z from "zod";
import { NEWSLETTER_STATES, POST_STATUSES, CONTENT_VISIBILITIES } from "../../../../db/schema";
import { listPosts } from "../../../services/posts/posts";
import { ZPostStatus } from "../../../services/posts/validation";
import { ZCursor, ZPageLimit } from "../../../services/podcasts/validation";
import { workspaceProcedure } from "../../init";

export const ZListPostsInput = z.object({
  status: ZPostStatus.nullish(),
  limit: ZPageLimit,
  cursor: ZCursor.nullish(),
});
export const ZListPostsOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      status: z.enum(POST_STATUSES),
      visibility: z.enum(CONTENT_VISIBILITIES),
      publishAt: z.date().nullable(),
      publishedAt: z.date().nullable(),
      publishError: z.string().nullable(),
      newsletterState: z.enum(NEWSLETTER_STATES),
      createdAt: z.date(),
      updatedAt: z.date(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const listPostsProcedure = workspaceProcedure("content.read")
  .input(ZListPostsInput)
  .output(ZListPostsOutput)
  .query(({ ctx, input }) =>
    listPosts({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      status: input.status,
      limit: input.limit,
      cursor: input.cursor,
    }),
  );
