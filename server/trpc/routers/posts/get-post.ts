import * as z from "zod";
import { rowId } from "../../../lib/text";
import { getPost } from "../../../services/posts/posts";
import { workspaceProcedure } from "../../init";
import { ZPost } from "./schemas";

export const ZGetPostInput = z.object({ postId: rowId("Unknown post.") });
export const ZGetPostOutput = ZPost.extend({
  publicUrl: z.string().nullable(),
  deliveries: z.object({
    queued: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    bounced: z.number().int(),
    unsubscribed: z.number().int(),
  }),
});

/** The creator's view of a post, its newsletter's delivery progress included. */
export const getPostProcedure = workspaceProcedure("content.read")
  .input(ZGetPostInput)
  .output(ZGetPostOutput)
  .query(({ ctx, input }) =>
    getPost({ db: ctx.db, workspaceId: ctx.access.workspaceId, postId: input.postId, appUrl: ctx.config.appUrl }),
  );
