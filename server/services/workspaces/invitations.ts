import { and, desc, eq } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { invitations, memberships, users, workspaces } from "../../../db/schema";
import { addSeconds } from "../../lib/clock";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { AUTH_LIMITS, enforceRateLimits, ipKey } from "../auth/rate-limit";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { recordEmail } from "../email/outbox";
import { invitationTemplate } from "../email/templates";
import type { InvitableRole } from "./permissions";
import { pendingInvitation } from "./workspaces";
import { assertCanAddSeat, lockWorkspaceQuota } from "../billing/usage";

const INVITATION_LIFETIME_SECONDS = 7 * 24 * 3600;

export async function inviteMember(opts: {
  db: Database;
  appUrl: string;
  workspaceId: string;
  inviter: { id: string; name: string };
  email: string;
  role: InvitableRole;
  meta: RequestMeta;
  now: Date;
}) {
  const token = randomToken(32);
  const invitation = await opts.db.transaction(async (tx) => {
    const [existingMember] = await tx
      .select({ userId: users.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, opts.workspaceId), eq(users.email, opts.email)))
      .limit(1);
    if (existingMember) {
      throw new AppError("CONFLICT", `${opts.email} is already a member of this workspace.`, {
        fieldErrors: { email: ["Already a member."] },
      });
    }
    const [workspace] = await tx
      .select({ name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, opts.workspaceId));
    if (!workspace) throw notFound("Workspace");
    // Re-inviting the same address replaces the earlier link, so only the newest email works.
    await tx
      .update(invitations)
      .set({ revokedAt: opts.now })
      .where(
        and(
          eq(invitations.workspaceId, opts.workspaceId),
          eq(invitations.email, opts.email),
          pendingInvitation(opts.now),
        ),
      );
    // After the replaced link is revoked, so re-inviting an address needs no extra seat; under the quota lock so
    // parallel invitations cannot overshoot the seats.
    await lockWorkspaceQuota(tx, opts.workspaceId);
    await assertCanAddSeat({ db: tx, workspaceId: opts.workspaceId, now: opts.now });
    const [invitation] = await tx
      .insert(invitations)
      .values({
        workspaceId: opts.workspaceId,
        email: opts.email,
        role: opts.role,
        tokenHash: sha256Hex(token),
        invitedBy: opts.inviter.id,
        expiresAt: addSeconds(opts.now, INVITATION_LIFETIME_SECONDS),
        createdAt: opts.now,
      })
      .returning();
    await recordEmail({
      db: tx,
      to: opts.email,
      content: invitationTemplate({
        inviterName: opts.inviter.name,
        workspaceName: workspace.name,
        role: opts.role,
        url: `${opts.appUrl}/invite/${token}`,
      }),
    });
    await recordAudit({
      db: tx,
      action: "member.invited",
      actorUserId: opts.inviter.id,
      workspaceId: opts.workspaceId,
      detail: { email: opts.email, role: opts.role },
      meta: opts.meta,
      now: opts.now,
    });
    return invitation;
  });
  return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
}

export async function listPendingInvitations(opts: { db: DbOrTx; workspaceId: string; now: Date }) {
  return opts.db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
    })
    .from(invitations)
    .where(and(eq(invitations.workspaceId, opts.workspaceId), pendingInvitation(opts.now)))
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(opts: {
  db: DbOrTx;
  workspaceId: string;
  invitationId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(invitations)
      .set({ revokedAt: opts.now })
      .where(
        and(
          eq(invitations.id, opts.invitationId),
          eq(invitations.workspaceId, opts.workspaceId),
          pendingInvitation(opts.now),
        ),
      )
      .returning({ id: invitations.id, email: invitations.email });
    if (!revoked) throw notFound("Invitation");
    await recordAudit({
      db: tx,
      action: "member.invitation_revoked",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { email: revoked.email },
      meta: opts.meta,
      now: opts.now,
    });
    return { id: revoked.id };
  });
}

/** What the invite page shows before the visitor accepts. Unknown, used, revoked or expired: NOT_FOUND. */
export async function previewInvitation(opts: { db: DbOrTx; token: string; ip: string | null; now: Date }) {
  // The lookup is one indexed read by hash, as cheap as the limit itself: both go in one round trip, and a
  // caller over the limit is refused before seeing what the lookup found.
  const [, [row]] = await Promise.all([
    enforceRateLimits({
      db: opts.db,
      now: opts.now,
      limits: [[ipKey("invitation-preview", opts.ip), AUTH_LIMITS.invitationPreviewPerIp]],
      message: (wait) => `Too many invitation links opened from your network. Try again in ${wait}.`,
    }),
    opts.db
      .select({
        email: invitations.email,
        role: invitations.role,
        workspaceName: workspaces.name,
        inviterName: users.name,
      })
      .from(invitations)
      .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
      .leftJoin(users, eq(users.id, invitations.invitedBy))
      .where(and(eq(invitations.tokenHash, sha256Hex(opts.token)), pendingInvitation(opts.now)))
      .limit(1),
  ]);
  if (!row) throw new AppError("NOT_FOUND", "This invitation link is invalid, expired or already used.");
  return row;
}

/**
 * Single use: the invitation is claimed by the same UPDATE that checks it is pending. The signed-in account
 * must own the invited address, so a forwarded link cannot be used by someone else.
 */
export async function acceptInvitation(opts: {
  db: Database;
  token: string;
  user: { id: string; email: string };
  meta: RequestMeta;
  now: Date;
}) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [
      [ipKey("invitation-accept", opts.meta.ip), AUTH_LIMITS.invitationAcceptPerIp],
      [`invitation-accept:account:${opts.user.id}`, AUTH_LIMITS.invitationAcceptPerAccount],
    ],
    message: (wait) => `Too many invitation attempts. Try again in ${wait}.`,
  });
  return opts.db.transaction(async (tx) => {
    const accepted = await acceptPendingInvitation({ ...opts, tx });
    if (accepted === "not_found") {
      throw new AppError("NOT_FOUND", "This invitation link is invalid, expired or already used.");
    }
    if ("otherEmail" in accepted) {
      throw new AppError(
        "FORBIDDEN",
        `This invitation was sent to ${accepted.otherEmail}. Log in with that address to accept it.`,
      );
    }
    return accepted;
  });
}

/**
 * Accepts a pending invitation inside the caller's transaction (the row is locked, so it is accepted once): the
 * invitation page, and sign-up through an invitation, which joins the workspace instead of creating one.
 */
export async function acceptPendingInvitation(opts: {
  tx: DbOrTx;
  token: string;
  user: { id: string; email: string };
  meta: RequestMeta;
  now: Date;
}): Promise<{ workspaceId: string } | { otherEmail: string } | "not_found"> {
  const { tx } = opts;
  const [invitation] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, sha256Hex(opts.token)), pendingInvitation(opts.now)))
    .limit(1)
    .for("update");
  if (!invitation) return "not_found";
  if (invitation.email !== opts.user.email) return { otherEmail: invitation.email };
  await tx.update(invitations).set({ acceptedAt: opts.now }).where(eq(invitations.id, invitation.id));
  await tx
    .insert(memberships)
    .values({ workspaceId: invitation.workspaceId, userId: opts.user.id, role: invitation.role, createdAt: opts.now })
    .onConflictDoNothing();
  await recordAudit({
    db: tx,
    action: "member.joined",
    actorUserId: opts.user.id,
    workspaceId: invitation.workspaceId,
    detail: { role: invitation.role },
    meta: opts.meta,
    now: opts.now,
  });
  return { workspaceId: invitation.workspaceId };
}
