import { and, eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  memberships,
  supporters,
  workspaces,
  type GrantKind,
  type GrantStatus,
  type SupporterStatus,
} from "../../../db/schema";
import { AppError } from "../../lib/errors";
import type { Viewer, ViewerGrant } from "./gate";

/**
 * Loading the gate's viewer (ADR 022) without a round trip of its own: `viewerQuery` is an unawaited statement a
 * loader puts in the same `readBatch` as the content (ADR 016), and `toViewer` turns its rows, plus the session's
 * team membership (read in the same statement), into the gate's `Viewer`.
 *
 *   const [content, viewerRows] = await readBatch(db, [contentQuery, viewerQuery({ db, workspaceId, userId })]);
 *   const viewer = toViewer({ rows: viewerRows, auth });
 *
 * Anonymous visitors may skip the statement (`toViewer` needs no rows without a session).
 *
 * Callers that read many supporters at once (a newsletter's recipients, a private feed's owner) put
 * `supporterGrantsJson` in their own `supporters` select and turn each row into a viewer with `supporterViewer`.
 * Every path ends in `viewerOf`, so the status rules (team first, `left` reads as signed in, `blocked` stays a
 * supporter the gate refuses) live in one place.
 */

/**
 * A workspace id, or an expression that finds it from the content (a public episode page knows only the episode),
 * so the viewer and the content are read in the same batch without a first trip for the workspace.
 */
export type WorkspaceRef = string | SQL;

/**
 * One row when the workspace exists: its name, whether the person is on its team, and their supporter row (null
 * columns when they are not in the audience) with every grant (all statuses, for history) and each grant's tier's
 * paid flag. Team membership is read here too, so the result never depends on the session having brought its
 * memberships.
 */
export function viewerQuery(opts: { db: DbOrTx; workspaceId: WorkspaceRef; userId: string | null }) {
  // A null user (anonymous) matches no membership and no supporter row.
  const userId = opts.userId ?? "00000000-0000-0000-0000-000000000000";
  return opts.db
    .select({
      workspaceId: workspaces.id,
      workspaceName: workspaces.name,
      // The person's display name, for surfaces that write as them (comments).
      userName: sql<string | null>`(select u.name from users u where u.id = ${userId})`,
      isTeam: sql<boolean>`exists (select 1 from ${memberships} m where m.workspace_id = ${workspaces.id} and m.user_id = ${userId})`,
      supporterId: supporters.id,
      status: supporters.status,
      grants: sql<RawGrant[]>`coalesce((
        select json_agg(json_build_object(
          'id', g.id,
          'kind', g.kind,
          'status', g.status,
          'startsAt', g.starts_at,
          'endsAt', g.ends_at,
          'tierId', g.tier_id,
          'tierIsPaid', coalesce(t.kind = 'paid', false),
          'eventId', g.event_id
        ) order by g.starts_at)
        from grants g left join tiers t on t.id = g.tier_id
        where g.supporter_id = ${supporters.id} and g.workspace_id = ${workspaces.id}
      ), '[]'::json)`,
    })
    .from(workspaces)
    .leftJoin(supporters, and(eq(supporters.workspaceId, workspaces.id), eq(supporters.userId, userId)))
    .where(eq(workspaces.id, opts.workspaceId))
    .limit(1);
}

export interface RawGrant {
  id: string;
  kind: GrantKind;
  status: GrantStatus;
  startsAt: string;
  endsAt: string | null;
  tierId: string | null;
  tierIsPaid: boolean;
  eventId?: string | null;
}

export type ViewerRows = Awaited<ReturnType<typeof viewerQuery>>;

export interface LoadedViewerGrant extends ViewerGrant {
  id: string;
}

/** Raw JSON columns arrive parsed from some drivers and as text from others. */
export function parseViewerGrants(raw: readonly RawGrant[] | string): LoadedViewerGrant[] {
  const list = typeof raw === "string" ? (JSON.parse(raw) as RawGrant[]) : raw;
  return list.map((grant) => ({
    id: grant.id,
    kind: grant.kind,
    status: grant.status,
    startsAt: new Date(grant.startsAt),
    endsAt: grant.endsAt === null ? null : new Date(grant.endsAt),
    tierId: grant.tierId,
    tierIsPaid: grant.tierIsPaid,
    eventId: grant.eventId ?? null,
  }));
}

/**
 * The one status rule for a signed-in person: `team` when they are on the workspace's team (they made the content);
 * a supporter with their grants (a blocked one too: the gate refuses them everything, and unblocking gives back what
 * the grants allow); otherwise, someone who left or never joined, signed in but not in this audience.
 */
export function viewerOf(row: {
  isTeam?: boolean;
  /** The supporter row's status; null when there is no supporter row. */
  status: SupporterStatus | null;
  grants: readonly RawGrant[] | string;
}): Viewer {
  if (row.isTeam) return { kind: "team" };
  if (!row.status || row.status === "left") return { kind: "signed_in" };
  return { kind: "supporter", status: row.status, grants: parseViewerGrants(row.grants) };
}

/**
 * The gate's viewer: anonymous without a session; otherwise `viewerOf` the row (no row: no such workspace, signed
 * in but not in an audience).
 */
export function toViewer(opts: { rows: ViewerRows; auth: { user: { id: string } } | null }): Viewer {
  if (!opts.auth) return { kind: "anonymous" };
  const row = opts.rows[0];
  if (!row) return { kind: "signed_in" };
  return viewerOf(row);
}

/**
 * The batch variant of `viewerQuery`'s grants: a column for any select over `supporters` (many supporters at once),
 * the same JSON `parseViewerGrants` reads.
 */
export const supporterGrantsJson = sql<RawGrant[] | string>`coalesce((
  select json_agg(json_build_object(
    'id', g.id, 'kind', g.kind, 'status', g.status, 'startsAt', g.starts_at, 'endsAt', g.ends_at,
    'tierId', g.tier_id, 'tierIsPaid', coalesce(t.kind = 'paid', false), 'eventId', g.event_id
  ) order by g.starts_at)
  from grants g left join tiers t on t.id = g.tier_id and t.workspace_id = g.workspace_id
  where g.supporter_id = supporters.id and g.workspace_id = supporters.workspace_id
), '[]'::json)`;

/** A supporter row read with `supporterGrantsJson`, as the gate's viewer (never team: the row is the audience's). */
export function supporterViewer(row: { status: SupporterStatus; grants: readonly RawGrant[] | string }): Viewer {
  return viewerOf(row);
}

/** One statement, for callers with nothing else to batch (a mutation checking access before it writes). */
export async function loadViewer(opts: {
  db: DbOrTx;
  workspaceId: string;
  auth: { user: { id: string } } | null;
}): Promise<Viewer> {
  if (!opts.auth) return { kind: "anonymous" };
  const rows = await viewerQuery({ db: opts.db, workspaceId: opts.workspaceId, userId: opts.auth.user.id });
  return toViewer({ rows, auth: opts.auth });
}

/**
 * The supporter rung's rule on a `viewerQuery` row (server/trpc/init.ts `supporterProcedure`, and procedures that
 * batch the same statement with their own reads): no workspace NOT_FOUND, not in the audience PRECONDITION_FAILED,
 * blocked FORBIDDEN.
 */
export function requireSupporter(row: ViewerRows[number] | undefined) {
  if (!row) throw new AppError("NOT_FOUND", "Creator not found.");
  if (!row.supporterId || !row.status || row.status === "left") {
    throw new AppError("PRECONDITION_FAILED", `Join ${row.workspaceName}'s audience first.`);
  }
  if (row.status === "blocked") {
    throw new AppError("FORBIDDEN", `${row.workspaceName} has removed you from its audience.`);
  }
  return { id: row.supporterId, workspaceName: row.workspaceName, grants: parseViewerGrants(row.grants) };
}
