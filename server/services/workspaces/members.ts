import { and, asc, count, eq } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { memberships, users, type Role } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import type { WorkspaceAccess } from "./workspaces";

interface MemberChange {
  db: Database;
  access: WorkspaceAccess;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}

export async function listMembers(opts: { db: DbOrTx; workspaceId: string }) {
  return opts.db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, opts.workspaceId))
    .orderBy(asc(memberships.createdAt), asc(users.id));
}

async function findMember(db: DbOrTx, workspaceId: string, userId: string) {
  const [member] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1)
    .for("update");
  if (!member) throw notFound("Member");
  return member;
}

async function ownerCount(db: DbOrTx, workspaceId: string) {
  const [row] = await db
    .select({ value: count() })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, "owner")));
  return row.value;
}

const lastOwnerError = () =>
  new AppError("PRECONDITION_FAILED", "A workspace needs at least one owner. Transfer ownership first.");

/** Only owners may touch an owner's membership or create owners; admins manage everyone else. */
function assertMayManage(actorRole: Role, targetRole: Role, newRole?: Role) {
  if (actorRole !== "owner" && (targetRole === "owner" || newRole === "owner")) {
    throw new AppError("FORBIDDEN", "Only an owner can change an owner's membership or make someone an owner.");
  }
}

export async function changeMemberRole(opts: MemberChange & { targetUserId: string; role: Role }) {
  return opts.db.transaction(async (tx) => {
    const target = await findMember(tx, opts.access.workspaceId, opts.targetUserId);
    assertMayManage(opts.access.role, target.role, opts.role);
    if (target.role === opts.role) return { userId: opts.targetUserId, role: opts.role };
    if (target.role === "owner" && (await ownerCount(tx, opts.access.workspaceId)) <= 1) throw lastOwnerError();
    await tx
      .update(memberships)
      .set({ role: opts.role })
      .where(and(eq(memberships.workspaceId, opts.access.workspaceId), eq(memberships.userId, opts.targetUserId)));
    await recordAudit({
      db: tx,
      action: "member.role_changed",
      actorUserId: opts.actorUserId,
      workspaceId: opts.access.workspaceId,
      detail: { userId: opts.targetUserId, from: target.role, to: opts.role },
      meta: opts.meta,
      now: opts.now,
    });
    return { userId: opts.targetUserId, role: opts.role };
  });
}

export async function removeMember(opts: MemberChange & { targetUserId: string }) {
  if (opts.targetUserId === opts.actorUserId) {
    throw new AppError("BAD_REQUEST", "Use “Leave workspace” to remove yourself.");
  }
  return opts.db.transaction(async (tx) => {
    const target = await findMember(tx, opts.access.workspaceId, opts.targetUserId);
    assertMayManage(opts.access.role, target.role);
    if (target.role === "owner" && (await ownerCount(tx, opts.access.workspaceId)) <= 1) throw lastOwnerError();
    await tx
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, opts.access.workspaceId), eq(memberships.userId, opts.targetUserId)));
    await recordAudit({
      db: tx,
      action: "member.removed",
      actorUserId: opts.actorUserId,
      workspaceId: opts.access.workspaceId,
      detail: { userId: opts.targetUserId, role: target.role },
      meta: opts.meta,
      now: opts.now,
    });
    return { userId: opts.targetUserId };
  });
}

export async function leaveWorkspace(opts: MemberChange) {
  return opts.db.transaction(async (tx) => {
    const me = await findMember(tx, opts.access.workspaceId, opts.actorUserId);
    if (me.role === "owner" && (await ownerCount(tx, opts.access.workspaceId)) <= 1) {
      throw new AppError("PRECONDITION_FAILED", "You are the last owner. Transfer ownership before leaving.");
    }
    await tx
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, opts.access.workspaceId), eq(memberships.userId, opts.actorUserId)));
    await recordAudit({
      db: tx,
      action: "member.left",
      actorUserId: opts.actorUserId,
      workspaceId: opts.access.workspaceId,
      detail: { role: me.role },
      meta: opts.meta,
      now: opts.now,
    });
    return { workspaceId: opts.access.workspaceId };
  });
}

/** The new owner gains "owner"; the previous owner steps down to "admin". */
export async function transferOwnership(opts: MemberChange & { targetUserId: string }) {
  if (opts.targetUserId === opts.actorUserId) throw new AppError("BAD_REQUEST", "You already own this workspace.");
  return opts.db.transaction(async (tx) => {
    await findMember(tx, opts.access.workspaceId, opts.targetUserId);
    const memberOf = (userId: string) =>
      and(eq(memberships.workspaceId, opts.access.workspaceId), eq(memberships.userId, userId));
    await tx.update(memberships).set({ role: "owner" }).where(memberOf(opts.targetUserId));
    await tx.update(memberships).set({ role: "admin" }).where(memberOf(opts.actorUserId));
    await recordAudit({
      db: tx,
      action: "workspace.ownership_transferred",
      actorUserId: opts.actorUserId,
      workspaceId: opts.access.workspaceId,
      detail: { to: opts.targetUserId },
      meta: opts.meta,
      now: opts.now,
    });
    return { ownerUserId: opts.targetUserId };
  });
}
