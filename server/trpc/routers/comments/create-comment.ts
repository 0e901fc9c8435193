import * as z from "zod";
import { rowId } from "../../../lib/text";
import { createComment } from "../../../services/comments/write";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { authedProcedure } from "../../init";
import { ZCommentBody, ZCommentId, ZTargetId, ZTargetKind } from "./schemas";

export const ZCreateCommentInput = z.object({
  workspaceId: rowId("Unknown workspace."),
  targetKind: ZTargetKind,
  targetId: ZTargetId,
  /** A reply (to a reply, at any depth); unset for a new thread. */
  parentId: ZCommentId.optional(),
  body: ZCommentBody,
});
export const ZCreateCommentOutput = z.object({ id: z.uuid() });

/** Comment or reply as the signed-in person (a team member writes as the creator); rate-limited per person. */
export const createCommentProcedure = authedProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZCreateCommentInput)
  .output(ZCreateCommentOutput)
  .mutation(({ ctx, input }) =>
    createComment({
      db: ctx.db,
      workspaceId: input.workspaceId,
      target: { kind: input.targetKind, id: input.targetId },
      parentId: input.parentId,
      userId: ctx.auth.user.id,
      body: input.body,
      meta: ctx.meta,
      appUrl: ctx.config.appUrl,
      now: ctx.clock(),
    }),
  );
