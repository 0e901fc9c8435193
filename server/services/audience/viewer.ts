import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { memberships, supporters, workspaces, type GrantKind, type GrantStatus } from "../../../db/schema";
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
 */

/**
 * One row when the workspace exists: its name, whether the person is on its team, and their supporter row (null
 * columns when they are not in the audience) with every grant (all statuses, for history) and each grant's tier's
 * paid flag. Team membership is read here too, so the result never depends on the session having brought its
 * memberships.
 */
export function viewerQuery(opts: { db: DbOrTx; workspaceId: string; userId: string | null }) {
  // A null user (anonymous) matches no membership and no supporter row.
  const userId = opts.userId ?? "00000000-0000-0000-0000-000000000000";
  return opts.db
    .select({
      workspaceName: workspaces.name,
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

interface RawGrant {
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

export function parseViewerGrants(raw: readonly RawGrant[]): LoadedViewerGrant[] {
  return raw.map((grant) => ({
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
 * The gate's viewer: anonymous without a session; `team` when the person is on the workspace's team (they made the
 * content); a supporter with their grants; otherwise signed in but not in this audience (or no such workspace).
 */
export function toViewer(opts: { rows: ViewerRows; auth: { user: { id: string } } | null }): Viewer {
  if (!opts.auth) return { kind: "anonymous" };
  const row = opts.rows[0];
  if (row?.isTeam) return { kind: "team" };
  if (!row?.supporterId || !row.status || row.status === "left") return { kind: "signed_in" };
  return { kind: "supporter", status: row.status, grants: parseViewerGrants(row.grants) };
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
