import { aliasedTable, and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import {
  commentReports,
  comments,
  commentSettings,
  episodes,
  posts,
  supporters,
  tiers,
  users,
  type CommentOpenTo,
  type CommentReportReason,
  type CommentStatus,
  type CommentTargetKind,
} from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { setMemberBlockedInTx } from "../audience/members";
import { requireSupporter, viewerQuery as audienceViewerQuery } from "../audience/viewer";
import { recordAudit } from "../audit/audit";
import { enforceRateLimits, type RateLimitRule } from "../auth/rate-limit";
import type { RequestMeta } from "../auth/sessions";
import {
  canRead,
  effectiveSetting,
  settingsQuery,
  targetCondition,
  targetFromRow,
  targetFromRows,
  targetOfComment,
  targetQuery,
  viewerFromRow,
  viewerQuery,
  type CommentSetting,
  type CommentViewer,
  type TargetRef,
  type TargetRow,
} from "./access";
import { encodeRootCursor } from "./threads";
import { markDeleted } from "./write";

export const MODERATION_FILTERS = ["all", "reported", "hidden"] as const;
export type ModerationFilter = (typeof MODERATION_FILTERS)[number];

const author = aliasedTable(users, "author");

function decodeCursor(cursor: string) {
  const [ms, id] = cursor.split("_");
  const time = Number(ms);
  if (!id || !Number.isSafeInteger(time) || !/^[0-9a-f-]{36}$/.test(id))
    throw new AppError("BAD_REQUEST", "This page of the list does not exist. Start again from the first page.");
  return { createdAt: new Date(time), id };
}

const openReports = sql<number>`(select count(*)::int from ${commentReports} where ${commentReports.commentId} = ${comments.id} and ${commentReports.status} = 'open')`;

/**
 * The creator's moderation list: newest first, keyset-paginated, filtered to reported or hidden comments or to one
 * target. Creators pass every gate, so the comment text and the target's title are shown; never a target's body.
 */
export async function listForModeration(opts: {
  db: DbOrTx;
  workspaceId: string;
  filter: ModerationFilter;
  target?: TargetRef;
  cursor?: string;
  limit: number;
}) {
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const [rows, reports] = await readBatch(opts.db, [
    opts.db
      .select({
        id: comments.id,
        targetKind: comments.targetKind,
        episodeId: comments.episodeId,
        postId: comments.postId,
        targetTitle: sql<string>`coalesce(${episodes.title}, ${posts.title}, '')`,
        showId: episodes.showId,
        parentId: comments.parentId,
        depth: comments.depth,
        body: comments.body,
        status: comments.status,
        asCreator: comments.asCreator,
        authorUserId: comments.authorUserId,
        authorName: author.name,
        authorEmail: author.email,
        supporterId: comments.supporterId,
        supporterStatus: supporters.status,
        editedAt: comments.editedAt,
        createdAt: comments.createdAt,
        openReports,
      })
      .from(comments)
      .leftJoin(episodes, eq(episodes.id, comments.episodeId))
      .leftJoin(posts, eq(posts.id, comments.postId))
      .leftJoin(author, eq(author.id, comments.authorUserId))
      .leftJoin(supporters, eq(supporters.id, comments.supporterId))
      .where(
        and(
          eq(comments.workspaceId, opts.workspaceId),
          opts.target ? targetCondition(opts.target) : undefined,
          opts.filter === "hidden" ? eq(comments.status, "hidden") : undefined,
          opts.filter === "reported" ? sql`${openReports} > 0` : undefined,
          after
            ? or(
                lt(comments.createdAt, after.createdAt),
                and(eq(comments.createdAt, after.createdAt), lt(comments.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(comments.createdAt), desc(comments.id))
      .limit(opts.limit + 1),
    opts.db
      .select({
        id: commentReports.id,
        commentId: commentReports.commentId,
        reason: commentReports.reason,
        note: commentReports.note,
        createdAt: commentReports.createdAt,
      })
      .from(commentReports)
      .where(and(eq(commentReports.workspaceId, opts.workspaceId), eq(commentReports.status, "open")))
      .orderBy(desc(commentReports.createdAt))
      .limit(500),
  ]);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      id: row.id,
      target: {
        kind: row.targetKind as CommentTargetKind,
        id: row.postId ?? row.episodeId ?? "",
        title: row.targetTitle,
        path:
          row.targetKind === "post"
            ? `/c/${opts.workspaceId}/posts/${row.postId}`
            : `/p/${row.showId}/${row.episodeId}`,
      },
      parentId: row.parentId,
      depth: row.depth,
      body: row.status === "deleted" ? null : row.body,
      status: row.status as CommentStatus,
      author: row.authorUserId
        ? {
            name: row.authorName ?? "",
            email: row.authorEmail ?? "",
            creator: row.asCreator,
            supporterId: row.supporterId,
            blocked: row.supporterStatus === "blocked",
          }
        : null,
      editedAt: row.editedAt,
      createdAt: row.createdAt,
      reports: reports
        .filter((report) => report.commentId === row.id)
        .map(({ id, reason, note, createdAt }) => ({ id, reason, note, createdAt })),
    })),
    nextCursor: rows.length > opts.limit && last ? encodeRootCursor(last) : null,
  };
}

function moderatedComment(db: DbOrTx, workspaceId: string, commentId: string) {
  return db
    .select({ id: comments.id, status: comments.status, supporterId: comments.supporterId })
    .from(comments)
    .where(and(eq(comments.id, commentId), eq(comments.workspaceId, workspaceId)))
    .limit(1);
}

async function loadModerated(db: DbOrTx, workspaceId: string, commentId: string) {
  const [comment] = await moderatedComment(db, workspaceId, commentId);
  if (!comment) throw new AppError("NOT_FOUND", "That comment is not there.");
  return comment;
}

/** Hide or show a comment; a deleted one stays deleted. Hiding resolves its open reports. */
export async function setCommentHidden(opts: {
  db: DbOrTx;
  workspaceId: string;
  commentId: string;
  hidden: boolean;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  const comment = await loadModerated(opts.db, opts.workspaceId, opts.commentId);
  if (comment.status === "deleted") throw new AppError("CONFLICT", "That comment was deleted.");
  await opts.db.transaction(async (tx) => {
    await tx
      .update(comments)
      .set({ status: opts.hidden ? "hidden" : "visible", hiddenAt: opts.hidden ? opts.now : null, updatedAt: opts.now })
      .where(and(eq(comments.id, opts.commentId), eq(comments.workspaceId, opts.workspaceId)));
    if (opts.hidden) await closeReports(tx, opts, "resolved");
    await recordAudit({
      db: tx,
      action: opts.hidden ? "comment.hidden" : "comment.unhidden",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { commentId: opts.commentId },
      meta: opts.meta,
      now: opts.now,
    });
  });
  return { id: opts.commentId, status: opts.hidden ? ("hidden" as const) : ("visible" as const) };
}

async function closeReports(
  db: DbOrTx,
  opts: { workspaceId: string; commentId: string; actorUserId: string; now: Date },
  status: "resolved" | "dismissed",
) {
  await db
    .update(commentReports)
    .set({ status, resolvedBy: opts.actorUserId, resolvedAt: opts.now })
    .where(
      and(
        eq(commentReports.workspaceId, opts.workspaceId),
        eq(commentReports.commentId, opts.commentId),
        eq(commentReports.status, "open"),
      ),
    );
}

/** A moderator's delete: the same soft delete as the author's, and its reports are resolved. */
export async function moderatorDeleteComment(opts: {
  db: DbOrTx;
  workspaceId: string;
  commentId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  const comment = await loadModerated(opts.db, opts.workspaceId, opts.commentId);
  if (comment.status !== "deleted")
    await opts.db.transaction(async (tx) => {
      await closeReports(tx, opts, "resolved");
      await markDeleted({ ...opts, db: tx, byModerator: true });
    });
  return { id: opts.commentId };
}

/**
 * Blocks the author of a comment from this workspace's audience through the audience's own block
 * (`setMemberBlockedInTx`: status `blocked`, which the gate refuses everywhere, with its `supporter.blocked` audit
 * row), and hides their visible comments in the same transaction.
 */
export async function blockCommentAuthor(opts: {
  db: DbOrTx;
  workspaceId: string;
  commentId: string;
  reason: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  const comment = await loadModerated(opts.db, opts.workspaceId, opts.commentId);
  if (!comment.supporterId) throw new AppError("CONFLICT", "Only a member of your audience can be blocked.");
  const supporterId = comment.supporterId;
  await opts.db.transaction(async (tx) => {
    await setMemberBlockedInTx({
      tx,
      workspaceId: opts.workspaceId,
      supporterId,
      blocked: true,
      reason: opts.reason,
      actor: { userId: opts.actorUserId, meta: opts.meta },
      now: opts.now,
    });
    await tx
      .update(comments)
      .set({ status: "hidden", hiddenAt: opts.now, updatedAt: opts.now })
      .where(
        and(
          eq(comments.workspaceId, opts.workspaceId),
          eq(comments.supporterId, supporterId),
          eq(comments.status, "visible"),
        ),
      );
    await recordAudit({
      db: tx,
      action: "comment.author_blocked",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { commentId: opts.commentId, supporterId },
      meta: opts.meta,
      now: opts.now,
    });
  });
  return { supporterId };
}

/** Close a report without acting on the comment (dismissed) or after acting on it (resolved). */
export async function resolveReport(opts: {
  db: DbOrTx;
  workspaceId: string;
  reportId: string;
  outcome: "resolved" | "dismissed";
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [report] = await tx
      .update(commentReports)
      .set({ status: opts.outcome, resolvedBy: opts.actorUserId, resolvedAt: opts.now })
      .where(and(eq(commentReports.id, opts.reportId), eq(commentReports.workspaceId, opts.workspaceId)))
      .returning({ id: commentReports.id, commentId: commentReports.commentId });
    if (!report) throw new AppError("NOT_FOUND", "That report is not there.");
    await recordAudit({
      db: tx,
      action: "comment.report_resolved",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { reportId: report.id, commentId: report.commentId, outcome: opts.outcome },
      meta: opts.meta,
      now: opts.now,
    });
    return { id: report.id, status: opts.outcome };
  });
}

export const REPORT_LIMIT: RateLimitRule = { limit: 20, windowSeconds: 3600 };

/**
 * A reader reports a comment they can see. One report per reader per comment: reporting again changes nothing
 * (and says so), so a report cannot be used to flood the creator.
 */
export async function reportComment(opts: {
  db: DbOrTx;
  workspaceId: string;
  commentId: string;
  userId: string;
  reason: CommentReportReason;
  note: string;
  meta: RequestMeta;
  now: Date;
}) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[`comment-reports:${opts.workspaceId}:user:${opts.userId}`, REPORT_LIMIT]],
    message: (wait) => `You have sent many reports. Try again in ${wait}.`,
  });
  const [[comment], viewerRows] = await readBatch(opts.db, [
    opts.db
      .select({
        id: comments.id,
        status: comments.status,
        targetKind: comments.targetKind,
        episodeId: comments.episodeId,
        postId: comments.postId,
      })
      .from(comments)
      .where(and(eq(comments.id, opts.commentId), eq(comments.workspaceId, opts.workspaceId)))
      .limit(1),
    viewerQuery(opts.db, opts.workspaceId, opts.userId),
  ]);
  if (!comment || comment.status !== "visible") throw new AppError("NOT_FOUND", "That comment is not there.");
  const ref = targetOfComment(comment);
  const target = targetFromRows(ref.kind, await targetQuery(opts.db, opts.workspaceId, ref));
  if (!canRead(target, viewerFromRow(opts.userId, viewerRows[0]), opts.now).allowed)
    throw new AppError("NOT_FOUND", "That comment is not there.");
  return opts.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(commentReports)
      .values({
        workspaceId: opts.workspaceId,
        commentId: opts.commentId,
        reporterUserId: opts.userId,
        reason: opts.reason,
        note: opts.note,
        createdAt: opts.now,
      })
      .onConflictDoNothing({ target: [commentReports.commentId, commentReports.reporterUserId] })
      .returning({ id: commentReports.id });
    await recordAudit({
      db: tx,
      action: "comment.reported",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { commentId: opts.commentId, reason: opts.reason, repeated: inserted.length === 0 },
      meta: opts.meta,
      now: opts.now,
    });
    return { reported: true, alreadyReported: inserted.length === 0 };
  });
}

/** The workspace's default and, with a target of this workspace, that target's effective setting. */
export async function getCommentSettings(opts: { db: DbOrTx; workspaceId: string; target?: TargetRef }) {
  const target = opts.target ?? { kind: "episode" as const, id: NONE };
  const [rows, tierRows, targetRows] = await readBatch(opts.db, [
    opts.target
      ? settingsQuery(opts.db, opts.workspaceId, target)
      : opts.db
          .select({ scope: commentSettings.scope, openTo: commentSettings.openTo, tierIds: commentSettings.tierIds })
          .from(commentSettings)
          .where(and(eq(commentSettings.workspaceId, opts.workspaceId), eq(commentSettings.scope, "workspace"))),
    opts.db
      .select({ id: tiers.id, name: tiers.name })
      .from(tiers)
      .where(eq(tiers.workspaceId, opts.workspaceId))
      .orderBy(tiers.position),
    targetQuery(opts.db, opts.workspaceId, target),
  ]);
  if (opts.target) targetFromRows(target.kind, targetRows);
  return { setting: effectiveSetting(rows), tiers: tierRows };
}

/**
 * Sets the workspace default, or (with a target) that target's override; `inherit` on a target removes its
 * override. Every tier id must be one of this workspace's tiers.
 */
export async function updateCommentSettings(opts: {
  db: DbOrTx;
  workspaceId: string;
  target?: TargetRef;
  openTo: CommentOpenTo | "inherit";
  tierIds: string[];
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}): Promise<CommentSetting> {
  const tierIds = opts.openTo === "tiers" ? [...new Set(opts.tierIds)] : [];
  if (opts.openTo === "tiers" && tierIds.length === 0)
    throw new AppError("BAD_REQUEST", "Choose at least one tier.", { fieldErrors: { tierIds: ["Choose a tier."] } });
  const [known, targetRows] = await readBatch(opts.db, [
    opts.db
      .select({ id: tiers.id })
      .from(tiers)
      .where(and(eq(tiers.workspaceId, opts.workspaceId), inArray(tiers.id, tierIds.length ? tierIds : [NONE]))),
    targetQuery(opts.db, opts.workspaceId, opts.target ?? { kind: "episode", id: NONE }),
  ]);
  if (known.length !== tierIds.length) throw new AppError("NOT_FOUND", "Unknown tier.");
  if (opts.target) targetFromRows(opts.target.kind, targetRows);
  if (!opts.target && opts.openTo === "inherit")
    throw new AppError("BAD_REQUEST", "The workspace default cannot inherit.");
  const target = opts.target;
  await opts.db.transaction(async (tx) => {
    const scope = !target
      ? eq(commentSettings.scope, "workspace")
      : target.kind === "post"
        ? eq(commentSettings.postId, target.id)
        : eq(commentSettings.episodeId, target.id);
    await tx.delete(commentSettings).where(and(eq(commentSettings.workspaceId, opts.workspaceId), scope));
    if (opts.openTo !== "inherit")
      await tx.insert(commentSettings).values({
        workspaceId: opts.workspaceId,
        scope: target?.kind ?? "workspace",
        episodeId: target?.kind === "episode" ? target.id : null,
        postId: target?.kind === "post" ? target.id : null,
        openTo: opts.openTo,
        tierIds,
        updatedAt: opts.now,
      });
    await recordAudit({
      db: tx,
      action: "comment.settings_changed",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { targetId: target?.id ?? null, openTo: opts.openTo, tiers: tierIds.length },
      meta: opts.meta,
      now: opts.now,
    });
  });
  return (await getCommentSettings(opts)).setting;
}

/** Matches no row: a placeholder id where a query needs one but the caller gave none. */
const NONE = "00000000-0000-0000-0000-000000000000";

/**
 * A supporter's own comments in one workspace (the portal's "your comments"), newest first. The target's title is
 * shown only while they may still read the target; their own words are theirs to see.
 */
export async function listMyComments(opts: {
  db: DbOrTx;
  workspaceId: string;
  userId: string;
  cursor?: string;
  limit: number;
  now: Date;
}) {
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  // The audience rung's statement rides in the comments' batch (one wave), as the portal's does.
  const [viewerRows, rows] = await readBatch(opts.db, [
    audienceViewerQuery({ db: opts.db, workspaceId: opts.workspaceId, userId: opts.userId }),
    opts.db
      .select({
        id: comments.id,
        body: comments.body,
        status: comments.status,
        editedAt: comments.editedAt,
        createdAt: comments.createdAt,
        parentId: comments.parentId,
        targetKind: comments.targetKind,
        episode: {
          id: episodes.id,
          workspaceId: episodes.workspaceId,
          title: episodes.title,
          showId: sql<string | null>`${episodes.showId}`,
          visibility: episodes.visibility,
          visibilityTierIds: episodes.visibilityTierIds,
          visibilityEventId: episodes.visibilityEventId,
        },
        post: {
          id: posts.id,
          workspaceId: posts.workspaceId,
          title: posts.title,
          showId: sql<string | null>`null::uuid`,
          visibility: posts.visibility,
          visibilityTierIds: posts.visibilityTierIds,
          visibilityEventId: posts.visibilityEventId,
        },
      })
      .from(comments)
      .leftJoin(episodes, eq(episodes.id, comments.episodeId))
      .leftJoin(posts, eq(posts.id, comments.postId))
      .where(
        and(
          eq(comments.workspaceId, opts.workspaceId),
          eq(comments.authorUserId, opts.userId),
          inArray(comments.status, ["visible", "hidden"]),
          after
            ? or(
                lt(comments.createdAt, after.createdAt),
                and(eq(comments.createdAt, after.createdAt), lt(comments.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(comments.createdAt), desc(comments.id))
      .limit(opts.limit + 1),
  ]);
  const supporter = requireSupporter(viewerRows[0]);
  const viewer: CommentViewer = {
    userId: opts.userId,
    name: null,
    viewer: { kind: "supporter", status: "active", grants: supporter.grants },
    supporterId: null,
  };
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => {
      const target = targetFromRow(row.targetKind, (row.post ?? row.episode) as TargetRow);
      const readable = canRead(target, viewer, opts.now).allowed;
      return {
        id: row.id,
        body: row.body,
        status: row.status as "visible" | "hidden",
        reply: row.parentId !== null,
        editedAt: row.editedAt,
        createdAt: row.createdAt,
        target: readable ? { title: target.title, path: `${target.path}#comment-${row.id}` } : null,
      };
    }),
    nextCursor: rows.length > opts.limit && last ? encodeRootCursor(last) : null,
  };
}
