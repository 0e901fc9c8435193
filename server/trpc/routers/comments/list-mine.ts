import * as z from "zod";
import { cursor } from "../../../lib/text";
import { listMyComments } from "../../../services/comments/moderation";
import { authedProcedure, SUPPORTER_META, ZWorkspaceInput } from "../../init";

export const ZListMyCommentsInput = ZWorkspaceInput.extend({
  cursor: cursor().optional(),
  limit: z.number().int().min(1).max(50).default(20),
});
export const ZListMyCommentsOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      body: z.string(),
      status: z.enum(["visible", "hidden"]),
      reply: z.boolean(),
      editedAt: z.date().nullable(),
      createdAt: z.date(),
      /** Null when the supporter may no longer read what they commented on (its title is not shown then). */
      target: z.object({ title: z.string(), path: z.string() }).nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/**
 * The caller's own comments in one creator's workspace, for the supporter portal. The audience rung is checked
 * inside the service's batch (one wave), like the portal's.
 */
export const listMyCommentsProcedure = authedProcedure
  .meta(SUPPORTER_META)
  .input(ZListMyCommentsInput)
  .output(ZListMyCommentsOutput)
  .query(({ ctx, input }) =>
    listMyComments({
      db: ctx.db,
      workspaceId: input.workspaceId,
      userId: ctx.auth.user.id,
      cursor: input.cursor,
      limit: input.limit,
      now: ctx.clock(),
    }),
  );
