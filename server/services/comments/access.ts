import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  comments,
  commentSettings,
  episodes,
  posts,
  type CommentOpenTo,
  type CommentTargetKind,
  type ContentVisibility,
} from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { decideAccess, gatedOf, type GateDecision, type Gated, type Viewer } from "../audience/gate";
import { viewerOf, viewerQuery as audienceViewerQuery, type ViewerRows, type WorkspaceRef } from "../audience/viewer";

/**
 * Who may read and write comments (ADR 027). Reading a thread is the target's own gate: whoever may see the episode
 * or post may read what is said under it. Writing asks the same gate first, then the comment setting (members, chosen
 * tiers, off). Team members always pass both and write as the creator.
 */

/** A person as the comment rules see them in one workspace. */
export interface CommentViewer {
  userId: string | null;
  name: string | null;
  viewer: Viewer;
  /** The audience relationship, when there is one (null for team members and non-members). */
  supporterId: string | null;
}

export const ANONYMOUS: CommentViewer = { userId: null, name: null, viewer: { kind: "anonymous" }, supporterId: null };

export type { WorkspaceRef } from "../audience/viewer";

/**
 * The person's team role, audience relationship, grants and name in the workspace (an id or an expression from the
 * target), audcore's one viewer statement, so it rides in the same batch as the page's reads (ADR 016).
 */
export function viewerQuery(db: DbOrTx, workspaceId: WorkspaceRef, userId: string) {
  return audienceViewerQuery({ db, workspaceId, userId });
}

export type ViewerRow = ViewerRows[number];

/** The gate's viewer (`viewerOf`, the one status rule) with what comments add: who writes, under which name. */
export function viewerFromRow(userId: string, row: ViewerRow | undefined): CommentViewer {
  if (!row) return { userId, name: null, viewer: { kind: "signed_in" }, supporterId: null };
  const viewer = viewerOf(row);
  return { userId, name: row.userName, viewer, supporterId: viewer.kind === "supporter" ? row.supporterId : null };
}

/** A comment target as the rules need it: its gate, its title (for notifications) and where it lives. */
export interface CommentTarget {
  kind: CommentTargetKind;
  id: string;
  workspaceId: string;
  title: string;
  gated: Gated;
  /** The public page the thread is shown on. */
  path: string;
}

export interface TargetRef {
  kind: CommentTargetKind;
  id: string;
}

/** The workspace a target belongs to, as an expression the viewer's query can use in the same batch. */
export function workspaceOfTarget(target: TargetRef): SQL {
  return target.kind === "post"
    ? sql`(select ${posts.workspaceId} from ${posts} where ${posts.id} = ${target.id})`
    : sql`(select ${episodes.workspaceId} from ${episodes} where ${episodes.id} = ${target.id})`;
}

/**
 * A published episode or post of `workspaceId`, in one shape; drafts and other tenants' rows are not there. Both read
 * their own visibility columns, so a thread is as closed as what it is under.
 */
export function targetQuery(db: DbOrTx, workspaceId: WorkspaceRef, target: TargetRef) {
  if (target.kind === "post")
    return db
      .select({
        id: posts.id,
        workspaceId: posts.workspaceId,
        title: posts.title,
        showId: sql<string | null>`null::uuid`,
        visibility: posts.visibility,
        visibilityTierIds: posts.visibilityTierIds,
        visibilityEventId: posts.visibilityEventId,
      })
      .from(posts)
      .where(and(eq(posts.id, target.id), eq(posts.workspaceId, workspaceId), eq(posts.status, "published")))
      .limit(1);
  return db
    .select({
      id: episodes.id,
      workspaceId: episodes.workspaceId,
      title: episodes.title,
      showId: sql<string | null>`${episodes.showId}`,
      visibility: episodes.visibility,
      visibilityTierIds: episodes.visibilityTierIds,
      visibilityEventId: episodes.visibilityEventId,
    })
    .from(episodes)
    .where(and(eq(episodes.id, target.id), eq(episodes.workspaceId, workspaceId), eq(episodes.status, "published")))
    .limit(1);
}

export interface TargetRow {
  id: string;
  workspaceId: string;
  title: string;
  showId: string | null;
  visibility: ContentVisibility;
  visibilityTierIds: string[];
  visibilityEventId: string | null;
}

export function targetFromRow(kind: CommentTargetKind, row: TargetRow): CommentTarget {
  const gated = gatedOf(row);
  return {
    kind,
    id: row.id,
    workspaceId: row.workspaceId,
    title: row.title,
    gated,
    path: kind === "post" ? `/c/${row.workspaceId}/posts/${row.id}` : `/p/${row.showId}/${row.id}`,
  };
}

/** The target's row, or NOT_FOUND in words that do not say whether it exists elsewhere. */
export function targetFromRows(kind: CommentTargetKind, rows: TargetRow[]): CommentTarget {
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", "Nothing to comment on here.");
  return targetFromRow(kind, row);
}

/** The comments of one target. */
export function targetCondition(target: TargetRef): SQL {
  return and(
    eq(comments.targetKind, target.kind),
    target.kind === "post" ? eq(comments.postId, target.id) : eq(comments.episodeId, target.id),
  ) as SQL;
}

/** A comment row's target, from its kind and foreign keys. */
export function targetOfComment(row: {
  targetKind: CommentTargetKind;
  episodeId: string | null;
  postId: string | null;
}) {
  const id = row.targetKind === "post" ? row.postId : row.episodeId;
  if (!id) throw new AppError("NOT_FOUND", "That comment is not there.");
  return { kind: row.targetKind, id };
}

/** The workspace default and the target's override, if any (the override wins). */
export function settingsQuery(db: DbOrTx, workspaceId: WorkspaceRef, target: TargetRef) {
  return db
    .select({ scope: commentSettings.scope, openTo: commentSettings.openTo, tierIds: commentSettings.tierIds })
    .from(commentSettings)
    .where(
      and(
        eq(commentSettings.workspaceId, workspaceId),
        or(
          eq(commentSettings.scope, "workspace"),
          target.kind === "post" ? eq(commentSettings.postId, target.id) : eq(commentSettings.episodeId, target.id),
        ),
      ),
    );
}

export interface CommentSetting {
  openTo: CommentOpenTo;
  tierIds: string[];
  /** Whether this came from the target's own override. */
  overridden: boolean;
}

export const DEFAULT_SETTING: CommentSetting = { openTo: "members", tierIds: [], overridden: false };

export function effectiveSetting(rows: { scope: string; openTo: CommentOpenTo; tierIds: string[] }[]): CommentSetting {
  const override = rows.find((row) => row.scope !== "workspace");
  if (override) return { openTo: override.openTo, tierIds: override.tierIds, overridden: true };
  const base = rows.find((row) => row.scope === "workspace");
  return base ? { openTo: base.openTo, tierIds: base.tierIds, overridden: false } : DEFAULT_SETTING;
}

/** Reading a thread: the target's own gate, nothing else (a closed thread stays readable). */
export function canRead(target: CommentTarget, viewer: CommentViewer, now: Date): GateDecision {
  return decideAccess(target.gated, viewer.viewer, now);
}

export type WriteDecision =
  | { allowed: true; asCreator: boolean }
  | { allowed: false; reason: "sign_in" | "join" | "upgrade" | "blocked" | "closed" };

/**
 * Writing: the target's gate, then the setting. A blocked supporter never writes, even under a public episode; the
 * team always may (as the creator), even when comments are off, so they can answer an existing thread.
 */
export function canWrite(
  target: CommentTarget,
  setting: CommentSetting,
  viewer: CommentViewer,
  now: Date,
): WriteDecision {
  if (viewer.viewer.kind === "team") return { allowed: true, asCreator: true };
  if (viewer.viewer.kind === "supporter" && viewer.viewer.status === "blocked")
    return { allowed: false, reason: "blocked" };
  const seen = decideAccess(target.gated, viewer.viewer, now);
  if (!seen.allowed) return seen;
  if (setting.openTo === "off") return { allowed: false, reason: "closed" };
  const opens: Gated =
    setting.openTo === "tiers"
      ? { visibility: "tiers", visibilityTierIds: setting.tierIds }
      : { visibility: "members" };
  const may = decideAccess(opens, viewer.viewer, now);
  return may.allowed ? { allowed: true, asCreator: false } : may;
}

/** What a refused writer is told, in the words of the comment box. */
export const WRITE_REFUSALS: Record<Exclude<WriteDecision, { allowed: true }>["reason"], string> = {
  sign_in: "Sign in to join the conversation.",
  join: "Join to comment.",
  upgrade: "Comments here are open to members of another tier.",
  blocked: "You can no longer comment here.",
  closed: "Comments are closed.",
};
