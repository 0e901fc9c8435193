import * as z from "zod";
import { COMMENT_REPORT_REASONS } from "../../../../db/schema";
import { cursor } from "../../../lib/text";
import { listForModeration, MODERATION_FILTERS } from "../../../services/comments/moderation";
import { workspaceProcedure } from "../../init";
import { ZCommentStatus, ZTargetId, ZTargetKind } from "./schemas";

export const ZListForModerationInput = z.object({
  filter: z.enum(MODERATION_FILTERS).default("all"),
  targetKind: ZTargetKind.optional(),
  targetId: ZTargetId.optional(),
  cursor: cursor().optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export const ZListForModerationOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      target: z.object({ kind: ZTargetKind, id: z.string(), title: z.string(), path: z.string() }),
      parentId: z.uuid().nullable(),
      depth: z.number().int(),
      body: z.string().nullable(),
      status: ZCommentStatus,
      author: z
        .object({
          name: z.string(),
          email: z.string(),
          creator: z.boolean(),
          supporterId: z.uuid().nullable(),
          blocked: z.boolean(),
        })
        .nullable(),
      editedAt: z.date().nullable(),
      createdAt: z.date(),
      reports: z.array(
        z.object({ id: z.uuid(), reason: z.enum(COMMENT_REPORT_REASONS), note: z.string(), createdAt: z.date() }),
      ),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** Every comment in the workspace, newest first; filters: reported, hidden, one target. */
export const listForModerationProcedure = workspaceProcedure("content.read")
  .input(ZListForModerationInput)
  .output(ZListForModerationOutput)
  .query(({ ctx, input }) =>
    listForModeration({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      filter: input.filter,
      target: input.targetId ? { kind: input.targetKind ?? "episode", id: input.targetId } : undefined,
      cursor: input.cursor,
      limit: input.limit,
    }),
  );
