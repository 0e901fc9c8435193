import * as z from "zod";
import { moderatorDeleteComment } from "../../../services/comments/moderation";
import { workspaceProcedure } from "../../init";
import { ZCommentId } from "./schemas";

export const ZModeratorDeleteInput = z.object({ commentId: ZCommentId });
export const ZModeratorDeleteOutput = z.object({ id: z.uuid() });

/** Delete anyone's comment in the workspace (soft: replies keep their place). */
export const moderatorDeleteProcedure = workspaceProcedure("content.write")
  .input(ZModeratorDeleteInput)
  .output(ZModeratorDeleteOutput)
  .mutation(({ ctx, input }) =>
    moderatorDeleteComment({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      commentId: input.commentId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
