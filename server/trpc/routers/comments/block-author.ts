import * as z from "zod";
import { text } from "../../../lib/text";
import { blockCommentAuthor } from "../../../services/comments/moderation";
import { workspaceProcedure } from "../../init";
import { ZCommentId } from "./schemas";

export const ZBlockAuthorInput = z.object({ commentId: ZCommentId, reason: text("reason", { max: 500 }).default("") });
export const ZBlockAuthorOutput = z.object({ supporterId: z.uuid() });

/** Blocks the comment's author from the audience (owners and admins: it is a decision about a person). */
export const blockAuthorProcedure = workspaceProcedure("members.manage")
  .input(ZBlockAuthorInput)
  .output(ZBlockAuthorOutput)
  .mutation(({ ctx, input }) =>
    blockCommentAuthor({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      commentId: input.commentId,
      reason: input.reason,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
