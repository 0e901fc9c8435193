import * as z from "zod";
import { rowId } from "../../../lib/text";
import { purgePost } from "../../../lib/edge-cache";
import { deletePost } from "../../../services/posts/posts";
import { workspaceProcedure } from "../../init";

export const ZDeletePostInput = z.object({ postId: rowId("Unknown post.") });
export const ZDeletePostOutput = z.object({ id: z.uuid() });

export const deletePostProcedure = workspaceProcedure("content.write")
  .input(ZDeletePostInput)
  .output(ZDeletePostOutput)
  .mutation(async ({ ctx, input }) => {
    const deleted = await deletePost({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      postId: input.postId,
    });
    await purgePost({ appUrl: ctx.config.appUrl, workspaceId: ctx.access.workspaceId, postId: deleted.id });
    return deleted;
  });
