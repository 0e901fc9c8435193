import { and, eq, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { comments } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import { enforceRateLimits, type RateLimitRule } from "../auth/rate-limit";
import type { RequestMeta } from "../auth/sessions";
import {
  canRead,
  canWrite,
  effectiveSetting,
  settingsQuery,
  targetCondition,
  targetFromRows,
  targetOfComment,
  targetQuery,
  viewerFromRow,
  viewerQuery,
  WRITE_REFUSALS,
  type CommentTarget,
  type TargetRef,
} from "./access";
import { notifyCreatorOfComment, notifyRepliedTo } from "./notify";
import { pathSegment } from "./threads";

/** Per person per workspace: enough for a lively conversation, too few for a flood. */
export const COMMENT_LIMIT: RateLimitRule = { limit: 10, windowSeconds: 5 * 60 };

export const commentRateKey = (workspaceId: string, userId: string) => `comments:${workspaceId}:user:${userId}`;

/** The comment being answered, on the same target in the same workspace; no id reads nothing. */
function parentQuery(db: DbOrTx, workspaceId: string, target: TargetRef, parentId: string | undefined) {
  return db
    .select({
      id: comments.id,
      rootId: comments.rootId,
      depth: comments.depth,
      path: comments.path,
      status: comments.status,
      authorUserId: comments.authorUserId,
      asCreator: comments.asCreator,
    })
    .from(comments)
    .where(
      parentId
        ? and(eq(comments.id, parentId), eq(comments.workspaceId, workspaceId), targetCondition(target))
        : sql`false`,
    )
    .limit(1);
}

/**
 * A new top comment, or a reply to `parentId` (any depth). The rate limit is counted first, outside the
 * transaction, so a refused attempt still counts; then the viewer, target, setting and parent are read in one batch,
 * and the comment, its audit row and the notifications (and the reply email's outbox row) commit together.
 */
export async function createComment(opts: {
  db: DbOrTx;
  workspaceId: string;
  target: TargetRef;
  parentId?: string;
  userId: string;
  body: string;
  meta: RequestMeta;
  appUrl: string;
  now: Date;
}): Promise<{ id: string }> {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[commentRateKey(opts.workspaceId, opts.userId), COMMENT_LIMIT]],
    message: (wait) => `You are commenting faster than this page allows. Try again in ${wait}.`,
  });
  const [viewerRows, targetRows, settings, [parent]] = await readBatch(opts.db, [
    viewerQuery(opts.db, opts.workspaceId, opts.userId),
    targetQuery(opts.db, opts.workspaceId, opts.target),
    settingsQuery(opts.db, opts.workspaceId, opts.target),
    parentQuery(opts.db, opts.workspaceId, opts.target, opts.parentId),
  ]);
  const viewer = viewerFromRow(opts.userId, viewerRows[0]);
  const target = targetFromRows(opts.target.kind, targetRows);
  if (!canRead(target, viewer, opts.now).allowed) throw new AppError("NOT_FOUND", "Nothing to comment on here.");
  const decision = canWrite(target, effectiveSetting(settings), viewer, opts.now);
  if (!decision.allowed) throw new AppError("FORBIDDEN", WRITE_REFUSALS[decision.reason]);
  if (opts.parentId && (!parent || parent.status === "deleted"))
    throw new AppError("NOT_FOUND", "That comment is no longer there to reply to.");
  if (parent?.status === "hidden" && !decision.asCreator)
    throw new AppError("NOT_FOUND", "That comment is no longer there to reply to.");

  const id = crypto.randomUUID();
  const segment = pathSegment(opts.now, id);
  return opts.db.transaction(async (tx) => {
    await tx.insert(comments).values({
      id,
      workspaceId: opts.workspaceId,
      targetKind: target.kind,
      episodeId: target.kind === "episode" ? target.id : null,
      postId: target.kind === "post" ? target.id : null,
      authorUserId: opts.userId,
      supporterId: viewer.supporterId,
      asCreator: decision.asCreator,
      parentId: parent?.id ?? null,
      rootId: parent?.rootId ?? id,
      depth: parent ? parent.depth + 1 : 0,
      path: parent ? `${parent.path}/${segment}` : segment,
      body: opts.body,
      createdAt: opts.now,
      updatedAt: opts.now,
    });
    await recordAudit({
      db: tx,
      action: "comment.created",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { commentId: id, targetKind: target.kind, targetId: target.id, reply: parent !== undefined },
      meta: opts.meta,
      now: opts.now,
    });
    await notifyAfterComment({
      db: tx,
      target,
      commentId: id,
      authorName: decision.asCreator ? "The creator" : (viewer.name ?? "Someone"),
      authorUserId: opts.userId,
      asCreator: decision.asCreator,
      body: opts.body,
      parent,
      appUrl: opts.appUrl,
      now: opts.now,
    });
    return { id };
  });
}

async function notifyAfterComment(opts: {
  db: DbOrTx;
  target: CommentTarget;
  commentId: string;
  authorName: string;
  authorUserId: string;
  asCreator: boolean;
  body: string;
  parent: { authorUserId: string | null; asCreator: boolean } | undefined;
  appUrl: string;
  now: Date;
}) {
  // The team hears of every comment but their own; a reply to a team member's comment is such a comment.
  if (!opts.asCreator) await notifyCreatorOfComment(opts);
  const repliedTo = opts.parent?.authorUserId;
  if (!repliedTo || repliedTo === opts.authorUserId || opts.parent?.asCreator) return;
  await notifyRepliedTo({ ...opts, recipientUserId: repliedTo });
}

function ownCommentQuery(db: DbOrTx, workspaceId: string, commentId: string) {
  return db
    .select({
      id: comments.id,
      status: comments.status,
      authorUserId: comments.authorUserId,
      targetKind: comments.targetKind,
      episodeId: comments.episodeId,
      postId: comments.postId,
    })
    .from(comments)
    .where(and(eq(comments.id, commentId), eq(comments.workspaceId, workspaceId)))
    .limit(1);
}

/** The author's own comment, visible or hidden, in a target they may still read; anything else is NOT_FOUND. */
async function loadOwnComment(opts: { db: DbOrTx; workspaceId: string; commentId: string; userId: string; now: Date }) {
  const [[comment], viewerRows] = await readBatch(opts.db, [
    ownCommentQuery(opts.db, opts.workspaceId, opts.commentId),
    viewerQuery(opts.db, opts.workspaceId, opts.userId),
  ]);
  if (!comment || comment.authorUserId !== opts.userId || comment.status === "deleted")
    throw new AppError("NOT_FOUND", "That comment is not there.");
  const viewer = viewerFromRow(opts.userId, viewerRows[0]);
  const ref = targetOfComment(comment);
  const target = targetFromRows(ref.kind, await targetQuery(opts.db, opts.workspaceId, ref));
  if (!canRead(target, viewer, opts.now).allowed) throw new AppError("NOT_FOUND", "That comment is not there.");
  return { comment, viewer };
}

/**
 * Edits are allowed at any time and marked "edited" (the date shows on hover), so a reply never answers words that
 * silently changed. A blocked author can no longer edit; a hidden comment stays hidden.
 */
export async function editComment(opts: {
  db: DbOrTx;
  workspaceId: string;
  commentId: string;
  userId: string;
  body: string;
  meta: RequestMeta;
  now: Date;
}) {
  const { viewer } = await loadOwnComment(opts);
  if (viewer.viewer.kind === "supporter" && viewer.viewer.status === "blocked")
    throw new AppError("FORBIDDEN", WRITE_REFUSALS.blocked);
  await opts.db.transaction(async (tx) => {
    await tx
      .update(comments)
      .set({ body: opts.body, editedAt: opts.now, updatedAt: opts.now })
      .where(and(eq(comments.id, opts.commentId), eq(comments.workspaceId, opts.workspaceId)));
    await recordAudit({
      db: tx,
      action: "comment.edited",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { commentId: opts.commentId },
      meta: opts.meta,
      now: opts.now,
    });
  });
  return { id: opts.commentId, editedAt: opts.now };
}

/** Soft delete: the words go, the row stays so replies keep their place under "[deleted]". */
export async function deleteOwnComment(opts: {
  db: DbOrTx;
  workspaceId: string;
  commentId: string;
  userId: string;
  meta: RequestMeta;
  now: Date;
}) {
  await loadOwnComment(opts);
  await markDeleted({ ...opts, actorUserId: opts.userId, byModerator: false });
  return { id: opts.commentId };
}

export async function markDeleted(opts: {
  db: DbOrTx;
  workspaceId: string;
  commentId: string;
  actorUserId: string;
  byModerator: boolean;
  meta: RequestMeta;
  now: Date;
}) {
  await opts.db.transaction(async (tx) => {
    await tx
      .update(comments)
      .set({ status: "deleted", body: "", deletedAt: opts.now, deletedBy: opts.actorUserId, updatedAt: opts.now })
      .where(and(eq(comments.id, opts.commentId), eq(comments.workspaceId, opts.workspaceId)));
    await recordAudit({
      db: tx,
      action: "comment.deleted",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { commentId: opts.commentId, byModerator: opts.byModerator },
      meta: opts.meta,
      now: opts.now,
    });
  });
}
