import * as z from "zod";
import { COMMENT_REPORT_REASONS } from "../../../../db/schema";
import { rowId, text } from "../../../lib/text";
import { reportComment } from "../../../services/comments/moderation";
import { authedProcedure } from "../../init";
import { ZCommentId } from "./schemas";

export const ZReportCommentInput = z.object({
  workspaceId: rowId("Unknown workspace."),
  commentId: ZCommentId,
  reason: z.enum(COMMENT_REPORT_REASONS),
  note: text("note", { max: 1000 }).default(""),
});
export const ZReportCommentOutput = z.object({ reported: z.boolean(), alreadyReported: z.boolean() });

/** Any signed-in reader of the thread may report a comment to the creator, once. */
export const reportCommentProcedure = authedProcedure
  .input(ZReportCommentInput)
  .output(ZReportCommentOutput)
  .mutation(({ ctx, input }) =>
    reportComment({
      db: ctx.db,
      workspaceId: input.workspaceId,
      commentId: input.commentId,
      userId: ctx.auth.user.id,
      reason: input.reason,
      note: input.note,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
