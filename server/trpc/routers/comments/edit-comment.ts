import * as z from "zod";
import { rowId } from "../../../lib/text";
import { editComment } from "../../../services/comments/write";
import { authedProcedure } from "../../init";
import { ZCommentBody, ZCommentId } from "./schemas";

export const ZEditCommentInput = z.object({
  workspaceId: rowId("Unknown workspace."),
  commentId: ZCommentId,
  body: ZCommentBody,
});
export const ZEditCommentOutput = z.object({ id: z.uuid(), editedAt: z.date() });

/** The author's own comment only; marked "edited". */
export const editCommentProcedure = authedProcedure
  .input(ZEditCommentInput)
  .output(ZEditCommentOutput)
  .mutation(({ ctx, input }) =>
    editComment({
      db: ctx.db,
      workspaceId: input.workspaceId,
      commentId: input.commentId,
      userId: ctx.auth.user.id,
      body: input.body,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
