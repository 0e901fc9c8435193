import { and, asc, count, eq, gt, isNull, sql, type SQLWrapper } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import {
  billingAccounts,
  invitations,
  memberships,
  notifications,
  workspaces,
  type BillingStatus,
  type Role,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { can, type Permission } from "./permissions";

export interface WorkspaceAccess {
  workspaceId: string;
  role: Role;
}

/**
 * Resolves the caller's role in a workspace. Not a member: NOT_FOUND (another tenant's workspace must be
 * indistinguishable from one that does not exist). A member lacking the permission: FORBIDDEN.
 */
export async function authorizeWorkspace(opts: {
  db: DbOrTx;
  workspaceId: string;
  userId: string;
  permission: Permission;
}): Promise<WorkspaceAccess> {
  const [membership] = await opts.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, opts.workspaceId), eq(memberships.userId, opts.userId)))
    .limit(1);
  return authorizeMembership({
    memberships: membership ? [{ ...membership, workspaceId: opts.workspaceId }] : [],
    ...opts,
  });
}

/** authorizeWorkspace's rule over memberships already loaded (with the session): same errors, no query. */
export function authorizeMembership(opts: {
  memberships: readonly { workspaceId: string; role: Role }[];
  workspaceId: string;
  permission: Permission;
}): WorkspaceAccess {
  const membership = opts.memberships.find((m) => m.workspaceId === opts.workspaceId);
  if (!membership) throw notFound("Workspace");
  if (!can(membership.role, opts.permission)) {
    throw new AppError("FORBIDDEN", `Your role (${membership.role}) does not allow this.`);
  }
  return { workspaceId: opts.workspaceId, role: membership.role };
}

export async function createWorkspace(opts: {
  db: DbOrTx;
  userId: string;
  name: string;
  meta: RequestMeta;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [workspace] = await tx.insert(workspaces).values({ name: opts.name, createdAt: opts.now }).returning();
    await tx
      .insert(memberships)
      .values({ workspaceId: workspace.id, userId: opts.userId, role: "owner", createdAt: opts.now });
    await recordAudit({
      db: tx,
      action: "workspace.created",
      actorUserId: opts.userId,
      workspaceId: workspace.id,
      detail: { name: opts.name },
      meta: opts.meta,
      now: opts.now,
    });
    return { id: workspace.id, name: workspace.name, role: "owner" as const };
  });
}

/**
 * The user's workspaces with their role, billing state (the shell's past-due banner) and unread notification
 * count, in one query: the shell renders on every page.
 */
export async function listUserWorkspaces(opts: { db: DbOrTx; userId: string }) {
  return opts.db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      role: memberships.role,
      billingStatus: sql<BillingStatus>`coalesce(${billingAccounts.status}, 'none')`,
      graceUntil: billingAccounts.graceUntil,
      unreadNotifications: sql<number>`(select count(*)::int from ${notifications} where ${notifications.workspaceId} = ${memberships.workspaceId} and ${notifications.userId} = ${opts.userId} and ${notifications.readAt} is null)`,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .leftJoin(billingAccounts, eq(billingAccounts.workspaceId, memberships.workspaceId))
    .where(eq(memberships.userId, opts.userId))
    .orderBy(asc(workspaces.createdAt), asc(workspaces.id));
}

/** A workspace as the app shell shows it: name, role, payment state and the user's unread count. */
export interface ShellWorkspace {
  workspaceId: string;
  name: string;
  role: Role;
  billingStatus: BillingStatus;
  graceUntil: Date | null;
  unreadNotifications: number;
}

/**
 * listUserWorkspaces as one JSON value, for a statement that already reads the user (the session's, ADR 016), so
 * the shell and every membership check come with the first round trip. Same order and fields; parse it with
 * `parseShellWorkspaces`.
 */
export function shellWorkspacesJson(userId: SQLWrapper) {
  return sql<unknown>`coalesce((
    select json_agg(json_build_object(
      'workspaceId', ${memberships.workspaceId},
      'name', ${workspaces.name},
      'role', ${memberships.role},
      'billingStatus', coalesce(${billingAccounts.status}, 'none'),
      'graceUntil', ${billingAccounts.graceUntil},
      'unreadNotifications', (select count(*)::int from ${notifications} where ${notifications.workspaceId} = ${memberships.workspaceId} and ${notifications.userId} = ${memberships.userId} and ${notifications.readAt} is null)
    ) order by ${workspaces.createdAt}, ${workspaces.id})
    from ${memberships}
    inner join ${workspaces} on ${workspaces.id} = ${memberships.workspaceId}
    left join ${billingAccounts} on ${billingAccounts.workspaceId} = ${memberships.workspaceId}
    where ${memberships.userId} = ${userId}
  ), '[]'::json)`;
}

export function parseShellWorkspaces(value: unknown): ShellWorkspace[] {
  return (value as (Omit<ShellWorkspace, "graceUntil"> & { graceUntil: string | null })[]).map((row) => ({
    ...row,
    graceUntil: row.graceUntil === null ? null : new Date(row.graceUntil),
  }));
}

/** The shell's list from workspaces already read with the session: no query. */
export function listShellWorkspaces(shell: readonly ShellWorkspace[]) {
  return shell.map(({ workspaceId, ...rest }) => ({ id: workspaceId, ...rest }));
}

export async function renameWorkspace(opts: {
  db: DbOrTx;
  workspaceId: string;
  actorUserId: string;
  name: string;
  meta: RequestMeta;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(workspaces)
      .set({ name: opts.name })
      .where(eq(workspaces.id, opts.workspaceId))
      .returning();
    if (!updated) throw notFound("Workspace");
    await recordAudit({
      db: tx,
      action: "workspace.renamed",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { name: opts.name },
      meta: opts.meta,
      now: opts.now,
    });
    return { id: updated.id, name: updated.name };
  });
}

/** Everything the dashboard shows, in a fixed number of queries regardless of workspace size. */
/** One round trip: the workspace and both counts in one batch (ADR 016). */
export async function getWorkspaceOverview(opts: { db: DbOrTx; workspaceId: string; now: Date }) {
  const [[workspace], [members], [pendingInvites]] = await readBatch(opts.db, [
    opts.db.select().from(workspaces).where(eq(workspaces.id, opts.workspaceId)).limit(1),
    opts.db.select({ value: count() }).from(memberships).where(eq(memberships.workspaceId, opts.workspaceId)),
    opts.db
      .select({ value: count() })
      .from(invitations)
      .where(and(eq(invitations.workspaceId, opts.workspaceId), pendingInvitation(opts.now))),
  ]);
  if (!workspace) throw notFound("Workspace");
  return {
    id: workspace.id,
    name: workspace.name,
    createdAt: workspace.createdAt,
    memberCount: members.value,
    pendingInvitationCount: pendingInvites.value,
  };
}

export function pendingInvitation(now: Date) {
  return and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));
}
