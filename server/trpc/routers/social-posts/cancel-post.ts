import * as z from "zod";
import { cancelPost } from "../../../services/social/posts";
import { workspaceProcedure } from "../../init";
import { ZPostDetail, ZPostId } from "./schemas";

export const ZCancelPostInput = z.object({ postId: ZPostId });
export const ZCancelPostOutput = ZPostDetail;

export const cancelPostProcedure = workspaceProcedure("content.write")
  .input(ZCancelPostInput)
  .output(ZCancelPostOutput)
  .mutation(({ ctx, input }) =>
    cancelPost({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      postId: input.postId,
    }),
  );
