import * as z from "zod";
import { cursor } from "../../../lib/text";
import { listMyComments } from "../../../services/comments/moderation";
import { supporterProcedure } from "../../init";

export const ZListMyCommentsInput = z.object({
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

/** The caller's own comments in one creator's workspace, for the supporter portal (the audience rung). */
export const listMyCommentsProcedure = supporterProcedure
  .input(ZListMyCommentsInput)
  .output(ZListMyCommentsOutput)
  .query(({ ctx, input }) =>
    listMyComments({
      db: ctx.db,
      workspaceId: input.workspaceId,
      userId: ctx.auth.user.id,
      viewer: { kind: "supporter", status: "active", grants: ctx.supporter.grants },
      cursor: input.cursor,
      limit: input.limit,
      now: ctx.clock(),
    }),
  );
