import * as z from "zod";
import { setCommentHidden } from "../../../services/comments/moderation";
import { workspaceProcedure } from "../../init";
import { ZCommentId } from "./schemas";

export const ZSetHiddenInput = z.object({ commentId: ZCommentId, hidden: z.boolean() });
export const ZSetHiddenOutput = z.object({ id: z.uuid(), status: z.enum(["visible", "hidden"]) });

/** Hide a comment from readers (its author still sees it, marked) or show it again. */
export const setHiddenProcedure = workspaceProcedure("content.write")
  .input(ZSetHiddenInput)
  .output(ZSetHiddenOutput)
  .mutation(({ ctx, input }) =>
    setCommentHidden({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      commentId: input.commentId,
      hidden: input.hidden,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
