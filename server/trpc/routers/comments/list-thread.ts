import * as z from "zod";
import { cursor, rowId } from "../../../lib/text";
import { listThread } from "../../../services/comments/threads";
import { publicProcedure } from "../../init";
import { ZCommentStatus, ZTargetId, ZTargetKind } from "./schemas";

export const ZListThreadInput = z.object({
  /** Optional: a public episode page knows only the episode; when given, the target must be this workspace's. */
  workspaceId: rowId("Unknown workspace.").optional(),
  targetKind: ZTargetKind,
  targetId: ZTargetId,
  cursor: cursor().optional(),
});
export const ZListThreadOutput = z.object({
  target: z.object({ kind: ZTargetKind, id: z.uuid(), title: z.string(), workspaceId: z.uuid() }),
  items: z.array(
    z.object({
      id: z.uuid(),
      parentId: z.uuid().nullable(),
      rootId: z.uuid(),
      depth: z.number().int(),
      indent: z.number().int(),
      replyingTo: z.string().nullable(),
      author: z.object({ name: z.string(), creator: z.boolean() }).nullable(),
      body: z.string().nullable(),
      status: ZCommentStatus,
      editedAt: z.date().nullable(),
      createdAt: z.date(),
      mine: z.boolean(),
    }),
  ),
  nextCursor: z.string().nullable(),
  write: z.union([
    z.object({ allowed: z.literal(true), asCreator: z.boolean() }),
    z.object({ allowed: z.literal(false), reason: z.string(), message: z.string() }),
  ]),
  viewer: z.object({ signedIn: z.boolean(), name: z.string().nullable() }),
});

/**
 * A page of a target's threads with every reply, for anyone the target's own gate lets in (anonymous readers of a
 * public episode included); the viewer and the thread are read in one batch.
 */
export const listThreadProcedure = publicProcedure
  .input(ZListThreadInput)
  .output(ZListThreadOutput)
  .query(({ ctx, input }) =>
    listThread({
      db: ctx.db,
      workspaceId: input.workspaceId,
      target: { kind: input.targetKind, id: input.targetId },
      userId: ctx.auth?.user.id ?? null,
      cursor: input.cursor,
      now: ctx.clock(),
    }),
  );
