import * as z from "zod";
import { rowId } from "../../../lib/text";
import { deleteOwnComment } from "../../../services/comments/write";
import { authedProcedure } from "../../init";
import { ZCommentId } from "./schemas";

export const ZDeleteCommentInput = z.object({ workspaceId: rowId("Unknown workspace."), commentId: ZCommentId });
export const ZDeleteCommentOutput = z.object({ id: z.uuid() });

/** The author deletes their own comment; replies stay under "[deleted]". */
export const deleteCommentProcedure = authedProcedure
  .input(ZDeleteCommentInput)
  .output(ZDeleteCommentOutput)
  .mutation(({ ctx, input }) =>
    deleteOwnComment({
      db: ctx.db,
      workspaceId: input.workspaceId,
      commentId: input.commentId,
      userId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
