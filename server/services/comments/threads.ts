import { aliasedTable, and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { comments, users, type CommentStatus, type CommentTargetKind } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import {
  ANONYMOUS,
  canRead,
  canWrite,
  effectiveSetting,
  settingsQuery,
  targetCondition,
  targetFromRows,
  targetQuery,
  viewerFromRow,
  viewerQuery,
  WRITE_REFUSALS,
  workspaceOfTarget,
  type CommentViewer,
  type TargetRef,
  type WorkspaceRef,
  type WriteDecision,
} from "./access";

/** Replies are indented up to this many levels; deeper ones line up under the last level with "replying to @name". */
export const MAX_INDENT = 4;
export const ROOTS_PER_PAGE = 20;

/** Root cursor: `<created ms>_<id>` of the last root of the previous page (newest first). */
export function encodeRootCursor(root: { createdAt: Date; id: string }) {
  return `${root.createdAt.getTime()}_${root.id}`;
}

function decodeRootCursor(cursor: string) {
  const [ms, id] = cursor.split("_");
  const time = Number(ms);
  if (!id || !Number.isSafeInteger(time) || !/^[0-9a-f-]{36}$/.test(id))
    throw new AppError("BAD_REQUEST", "This page of the list does not exist. Start again from the first page.");
  return { createdAt: new Date(time), id };
}

const parent = aliasedTable(comments, "parent");
const parentAuthor = aliasedTable(users, "parent_author");

/** Every comment of a page of threads: roots newest first, `limit + 1` of them to tell whether more follow. */
function threadRowsQuery(opts: {
  db: DbOrTx;
  workspaceId: WorkspaceRef;
  target: TargetRef;
  cursor?: string;
  limit: number;
}) {
  const after = opts.cursor ? decodeRootCursor(opts.cursor) : null;
  const roots = opts.db
    .select({ id: comments.id })
    .from(comments)
    .where(
      and(
        eq(comments.workspaceId, opts.workspaceId),
        targetCondition(opts.target),
        eq(comments.depth, 0),
        after
          ? or(
              lt(comments.createdAt, after.createdAt),
              and(eq(comments.createdAt, after.createdAt), lt(comments.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(opts.limit + 1);
  return (
    opts.db
      .select({
        id: comments.id,
        parentId: comments.parentId,
        rootId: comments.rootId,
        depth: comments.depth,
        path: comments.path,
        body: comments.body,
        status: comments.status,
        asCreator: comments.asCreator,
        authorUserId: comments.authorUserId,
        authorName: users.name,
        parentAuthorName: parentAuthor.name,
        parentAsCreator: parent.asCreator,
        editedAt: comments.editedAt,
        createdAt: comments.createdAt,
      })
      .from(comments)
      .leftJoin(users, eq(users.id, comments.authorUserId))
      .leftJoin(parent, eq(parent.id, comments.parentId))
      .leftJoin(parentAuthor, eq(parentAuthor.id, parent.authorUserId))
      .where(and(eq(comments.workspaceId, opts.workspaceId), inArray(comments.rootId, roots)))
      // Byte order: the segments are fixed-width, and no locale's collation may reorder them.
      .orderBy(sql`${comments.path} collate "C"`)
  );
}

interface ThreadRow {
  id: string;
  parentId: string | null;
  rootId: string;
  depth: number;
  path: string;
  body: string;
  status: CommentStatus;
  asCreator: boolean;
  authorUserId: string | null;
  authorName: string | null;
  parentAuthorName: string | null;
  parentAsCreator: boolean | null;
  editedAt: Date | null;
  createdAt: Date;
}

export interface ThreadItem {
  id: string;
  parentId: string | null;
  rootId: string;
  depth: number;
  /** Nesting level the page shows (0..MAX_INDENT - 1). */
  indent: number;
  /** Set when the comment is shown deeper than its indent allows: whom it answers. */
  replyingTo: string | null;
  author: { name: string; creator: boolean } | null;
  /** Null when the reader may not see it: deleted, or hidden from anyone but the author and the team. */
  body: string | null;
  status: CommentStatus;
  editedAt: Date | null;
  createdAt: Date;
  mine: boolean;
}

export const CREATOR_NAME = "Creator";

function authorOf(row: { authorUserId: string | null; authorName: string | null; asCreator: boolean }) {
  if (!row.authorUserId || row.authorName === null) return null;
  return { name: row.authorName, creator: row.asCreator };
}

/**
 * What a reader sees of one page of threads, in display order. Deleted comments keep their place while they have
 * replies ("[deleted]"); a deleted or (for others) hidden comment with nothing under it is left out.
 */
export function shapeThreads(rows: ThreadRow[], viewer: CommentViewer): ThreadItem[] {
  const team = viewer.viewer.kind === "team";
  const visibleTo = (row: ThreadRow) =>
    row.status === "visible" || (row.status === "hidden" && (team || row.authorUserId === viewer.userId));
  // Rows come in path order, so every reply follows its parent: walking backwards sees children first.
  const keep = new Set<string>();
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i];
    if (visibleTo(row) || keep.has(row.id)) {
      keep.add(row.id);
      if (row.parentId) keep.add(row.parentId);
    }
  }
  // Roots newest first; inside a thread, path order.
  const rootOrder = rows.filter((row) => row.depth === 0).sort((a, b) => sortRootsNewestFirst(a, b));
  const byRoot = new Map<string, ThreadRow[]>();
  for (const row of rows) byRoot.set(row.rootId, [...(byRoot.get(row.rootId) ?? []), row]);
  return rootOrder.flatMap((root) =>
    (byRoot.get(root.id) ?? [])
      .filter((row) => keep.has(row.id))
      .map((row) => {
        const shown = visibleTo(row);
        const flattened = row.depth >= MAX_INDENT;
        return {
          id: row.id,
          parentId: row.parentId,
          rootId: row.rootId,
          depth: row.depth,
          indent: Math.min(row.depth, MAX_INDENT - 1),
          replyingTo: flattened ? (row.parentAsCreator ? CREATOR_NAME : (row.parentAuthorName ?? "[deleted]")) : null,
          author: row.status === "deleted" ? null : authorOf(row),
          body: shown ? row.body : null,
          status: row.status,
          editedAt: row.editedAt,
          createdAt: row.createdAt,
          mine: viewer.userId !== null && row.authorUserId === viewer.userId,
        };
      }),
  );
}

const sortRootsNewestFirst = (a: ThreadRow, b: ThreadRow) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1);

export interface ThreadPage {
  target: { kind: CommentTargetKind; id: string; title: string; workspaceId: string };
  items: ThreadItem[];
  nextCursor: string | null;
  /** Whether the reader may write, and if not why (the comment box says so). */
  write: { allowed: true; asCreator: boolean } | { allowed: false; reason: string; message: string };
  viewer: { signedIn: boolean; name: string | null };
}

/**
 * One page of a target's threads for `userId` (or an anonymous reader): the viewer, the target, its comment setting
 * and every comment of the page's threads in one batch (one round trip, ADR 016). A reader the target's gate refuses
 * gets NOT_FOUND for the thread, never its comments.
 */
export async function listThread(opts: {
  db: DbOrTx;
  /** Unset: the target's own workspace (public episode pages know only the episode). */
  workspaceId?: string;
  target: TargetRef;
  userId: string | null;
  cursor?: string;
  limit?: number;
  now: Date;
}): Promise<ThreadPage> {
  const limit = opts.limit ?? ROOTS_PER_PAGE;
  const workspaceId = opts.workspaceId ?? workspaceOfTarget(opts.target);
  const threadRows = threadRowsQuery({ ...opts, workspaceId, limit });
  const targetRows = targetQuery(opts.db, workspaceId, opts.target);
  const settingRows = settingsQuery(opts.db, workspaceId, opts.target);
  let viewer = ANONYMOUS;
  let rows: ThreadRow[];
  let targetRow: Awaited<typeof targetRows>;
  let settings: Awaited<typeof settingRows>;
  if (opts.userId) {
    const [viewerRows, t, s, r] = await readBatch(opts.db, [
      viewerQuery(opts.db, workspaceId, opts.userId),
      targetRows,
      settingRows,
      threadRows,
    ]);
    viewer = viewerFromRow(opts.userId, viewerRows[0]);
    [targetRow, settings, rows] = [t, s, r];
  } else {
    [targetRow, settings, rows] = await readBatch(opts.db, [targetRows, settingRows, threadRows]);
  }
  const target = targetFromRows(opts.target.kind, targetRow);
  const read = canRead(target, viewer, opts.now);
  if (!read.allowed) throw new AppError("NOT_FOUND", "Nothing to comment on here.");

  const rootIds = rows.filter((row) => row.depth === 0).sort(sortRootsNewestFirst);
  const more = rootIds.length > limit;
  const pageRoots = new Set(rootIds.slice(0, limit).map((row) => row.id));
  const pageRows = rows.filter((row) => pageRoots.has(row.rootId));
  const last = rootIds[limit - 1];
  const decision = canWrite(target, effectiveSetting(settings), viewer, opts.now);
  return {
    target: { kind: target.kind, id: target.id, title: target.title, workspaceId: target.workspaceId },
    items: shapeThreads(pageRows, viewer),
    nextCursor: more && last ? encodeRootCursor(last) : null,
    write: describeWrite(decision),
    viewer: { signedIn: viewer.userId !== null, name: viewer.name },
  };
}

export function describeWrite(decision: WriteDecision): ThreadPage["write"] {
  return decision.allowed
    ? decision
    : { allowed: false, reason: decision.reason, message: WRITE_REFUSALS[decision.reason] };
}

/** Sort key of one path segment: creation time then id, so siblings sort oldest first and ties stay stable. */
export function pathSegment(createdAt: Date, id: string) {
  return `${createdAt.getTime().toString(36).padStart(9, "0")}${id.replaceAll("-", "").slice(0, 12)}`;
}
