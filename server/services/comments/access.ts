import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  comments,
  commentSettings,
  episodes,
  posts,
  grants,
  memberships,
  supporters,
  tiers,
  users,
  type CommentOpenTo,
  type CommentTargetKind,
  type SupporterStatus,
  type Visibility,
} from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { decideAccess, type GateDecision, type Gated, type Viewer, type ViewerGrant } from "../audience/gate";

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

/**
 * A workspace id, or an expression that finds it from the target (a public episode page knows only the episode), so
 * the viewer and the thread are read in the same batch without a first trip for the workspace.
 */
export type WorkspaceRef = string | SQL;

/**
 * The person's team role, audience relationship and grants in `workspaceId`, in one statement, so it rides in the
 * same batch as the page's reads (ADR 016).
 */
export function viewerQuery(db: DbOrTx, workspaceId: WorkspaceRef, userId: string) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      role: memberships.role,
      supporterId: supporters.id,
      supporterStatus: supporters.status,
      grants: sql<RawGrant[]>`coalesce((
        select json_agg(json_build_object(
          'kind', ${grants.kind},
          'status', ${grants.status},
          'startsAt', ${grants.startsAt},
          'endsAt', ${grants.endsAt},
          'tierId', ${grants.tierId},
          'tierIsPaid', coalesce(${tiers.kind} = 'paid', false)
        ))
        from ${grants} left join ${tiers} on ${tiers.id} = ${grants.tierId}
        where ${grants.workspaceId} = ${workspaceId} and ${grants.userId} = ${userId}
      ), '[]'::json)`,
    })
    .from(users)
    .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.workspaceId, workspaceId)))
    .leftJoin(supporters, and(eq(supporters.userId, users.id), eq(supporters.workspaceId, workspaceId)))
    .where(eq(users.id, userId))
    .limit(1);
}

interface RawGrant {
  kind: ViewerGrant["kind"];
  status: ViewerGrant["status"];
  startsAt: string;
  endsAt: string | null;
  tierId: string | null;
  tierIsPaid: boolean;
}

export type ViewerRow = Awaited<ReturnType<typeof viewerQuery>>[number];

export function viewerFromRow(row: ViewerRow | undefined): CommentViewer {
  if (!row) return ANONYMOUS;
  const base = { userId: row.userId, name: row.name };
  if (row.role) return { ...base, viewer: { kind: "team" }, supporterId: null };
  // Someone who left the audience comments and reads like any signed-in person.
  if (!row.supporterId || !row.supporterStatus || row.supporterStatus === "left") {
    return { ...base, viewer: { kind: "signed_in" }, supporterId: null };
  }
  return {
    ...base,
    supporterId: row.supporterId,
    viewer: {
      kind: "supporter",
      status: row.supporterStatus as Exclude<SupporterStatus, "left">,
      grants: row.grants.map((grant) => ({
        ...grant,
        startsAt: new Date(grant.startsAt),
        endsAt: grant.endsAt === null ? null : new Date(grant.endsAt),
      })),
    },
  };
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
 * A published episode or post of `workspaceId`, in one shape; drafts and other tenants' rows are not there. Episodes
 * are all public until episode visibility lands (issue 12 item 6); then they read their own columns like posts.
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
      visibility: sql<Visibility>`'public'`,
      visibilityTierIds: sql<string[]>`'{}'::uuid[]`,
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
  visibility: Visibility;
  visibilityTierIds: string[];
}

export function targetFromRow(kind: CommentTargetKind, row: TargetRow): CommentTarget {
  const gated: Gated =
    row.visibility === "tiers"
      ? { visibility: "tiers", visibilityTierIds: row.visibilityTierIds }
      : { visibility: row.visibility };
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
