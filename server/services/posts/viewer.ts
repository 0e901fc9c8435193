import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { memberships, supporters, type GrantKind, type GrantStatus, type SupporterStatus } from "../../../db/schema";
import type { Viewer, ViewerGrant } from "../audience/gate";

/**
 * Who is reading, for the gate: anonymous and team members cost no query (the session carries the memberships,
 * ADR 016); anyone else needs their supporter row and grants, read by one statement a page puts in its batch.
 */
export interface ViewerIdentity {
  userId: string | null;
  /**
   * Workspaces the signed-in person is on the team of, from the session; null when the session does not carry them
   * (after a mutation in the same request), and the membership is then read with the supporter row.
   */
  teamWorkspaceIds: readonly string[] | null;
}

/** Every grant of the `supporters` row in scope, with whether its tier is paid, as JSON (one correlated subquery). */
export const supporterGrantsJson = sql<RawGrant[] | string>`coalesce((
  select json_agg(json_build_object(
    'kind', g.kind, 'status', g.status, 'startsAt', g.starts_at, 'endsAt', g.ends_at,
    'tierId', g.tier_id, 'tierIsPaid', coalesce(t.kind = 'paid', false)))
  from grants g left join tiers t on t.id = g.tier_id and t.workspace_id = g.workspace_id
  where g.supporter_id = supporters.id and g.workspace_id = supporters.workspace_id
), '[]'::json)`;

/** The supporter row of (workspace, user) with every grant and whether its tier is paid; empty when not a supporter. */
export function supporterGrantsQuery(db: DbOrTx, workspaceId: string, userId: string) {
  return db
    .select({ id: supporters.id, status: supporters.status, grants: supporterGrantsJson })
    .from(supporters)
    .where(and(eq(supporters.workspaceId, workspaceId), eq(supporters.userId, userId)))
    .limit(1);
}

export interface RawGrant {
  kind: GrantKind;
  status: GrantStatus;
  startsAt: string;
  endsAt: string | null;
  tierId: string | null;
  tierIsPaid: boolean;
}

/** What `supporterGrantsQuery` answered, as the gate's viewer. */
export function viewerFrom(
  identity: ViewerIdentity,
  workspaceId: string,
  rows: readonly { status: SupporterStatus; grants: RawGrant[] | string }[] | null,
  teamRows: readonly unknown[] = [],
): Viewer {
  if (!identity.userId) return { kind: "anonymous" };
  if (identity.teamWorkspaceIds?.includes(workspaceId) || teamRows.length > 0) return { kind: "team" };
  const row = rows?.[0];
  if (!row) return { kind: "signed_in" };
  const raw = typeof row.grants === "string" ? (JSON.parse(row.grants) as RawGrant[]) : row.grants;
  const grants: ViewerGrant[] = raw.map((grant) => ({
    kind: grant.kind,
    status: grant.status,
    startsAt: new Date(grant.startsAt),
    endsAt: grant.endsAt ? new Date(grant.endsAt) : null,
    tierId: grant.tierId,
    tierIsPaid: grant.tierIsPaid,
  }));
  return { kind: "supporter", status: row.status, grants };
}

/** Whether the viewer needs the supporter query at all (signed in, not on the team). */
export function needsSupporterQuery(
  identity: ViewerIdentity,
  workspaceId: string,
): identity is ViewerIdentity & {
  userId: string;
} {
  return identity.userId !== null && !identity.teamWorkspaceIds?.includes(workspaceId);
}

/** The caller's team membership of the workspace, read only when the session did not carry memberships. */
export function teamMembershipQuery(db: DbOrTx, workspaceId: string, userId: string) {
  return db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1);
}
