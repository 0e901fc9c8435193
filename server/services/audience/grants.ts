import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { grants, type GrantKind, type GrantSource, type GrantStatus } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";

/**
 * The ONLY writer of `grants` (ADR 022, AUDIENCE.md invariant 2). Every change happens in the caller's transaction
 * — the one that wrote the payment ledger row or performed the creator's action — and writes an audit row beside
 * it, so a grant never changes without its cause and its record. tests/node/audience-grants.test.ts checks that no
 * other file writes the table.
 *
 * Conventions for `sourceRef` (the partial unique index `(workspace, source, source_ref)` makes it idempotent):
 * a subscription grant's ref is the provider subscription id; a one-off payment's grant (gift, ticket) is the
 * payment id, or `${paymentId}:${suffix}` when one payment buys several grants (a refund of the payment ends them
 * all); manual grants (complimentary, gift by the creator, import, free sign-up) may leave it null.
 */

export type Grant = typeof grants.$inferSelect;

/** Who caused the change: a team member, the supporter, or the payment provider (`userId` null, no request). */
export interface GrantActor {
  userId: string | null;
  meta: RequestMeta;
}

/** The provider's webhook or the sandbox: no person, no request address. */
export const PROVIDER_ACTOR: GrantActor = { userId: null, meta: { ip: null, userAgent: null } };

const ENDED_STATUSES = ["canceled", "expired", "refunded", "disputed", "revoked"] as const satisfies readonly Exclude<
  GrantStatus,
  "active"
>[];
export type EndedGrantStatus = (typeof ENDED_STATUSES)[number];

function auditDetail(grant: Grant, extra: Record<string, string | number | boolean | null> = {}) {
  return {
    grantId: grant.id,
    userId: grant.userId,
    kind: grant.kind,
    tierId: grant.tierId,
    source: grant.source,
    status: grant.status,
    endsAt: grant.endsAt?.toISOString() ?? null,
    ...extra,
  };
}

/**
 * Issues a grant, or returns the existing one for the same `(workspace, source, sourceRef)` unchanged (`created:
 * false`, no audit row): a duplicate or concurrent delivery cannot mint a second grant for one provider object.
 */
export async function issueGrant(opts: {
  db: DbOrTx;
  workspaceId: string;
  userId: string;
  supporterId: string;
  kind: GrantKind;
  tierId: string | null;
  /** kind = ticket: the event it admits to and its ticket row (the gate's `ticket_holders`). */
  eventId?: string | null;
  ticketId?: string | null;
  source: GrantSource;
  sourceRef?: string | null;
  startsAt: Date;
  endsAt: Date | null;
  grantedBy?: string | null;
  /** Shown on the member page as why it was granted (complimentary, gift); kept in the audit row. */
  reason?: string | null;
  actor: GrantActor;
  now: Date;
}): Promise<{ grant: Grant; created: boolean }> {
  if (opts.kind === "tier" && opts.tierId === null && opts.source !== "free_signup" && opts.source !== "import") {
    throw new AppError("BAD_REQUEST", "Choose a tier for this membership.");
  }
  if (opts.endsAt && opts.endsAt.getTime() <= opts.startsAt.getTime()) {
    throw new AppError("BAD_REQUEST", "A membership must end after it starts.", {
      fieldErrors: { endsAt: ["Choose an end after the start."] },
    });
  }
  const sourceRef = opts.sourceRef ?? null;
  const [inserted] = await opts.db
    .insert(grants)
    .values({
      workspaceId: opts.workspaceId,
      userId: opts.userId,
      supporterId: opts.supporterId,
      kind: opts.kind,
      tierId: opts.tierId,
      eventId: opts.eventId ?? null,
      ticketId: opts.ticketId ?? null,
      source: opts.source,
      sourceRef,
      status: "active",
      startsAt: opts.startsAt,
      endsAt: opts.endsAt,
      grantedBy: opts.grantedBy ?? null,
      createdAt: opts.now,
      updatedAt: opts.now,
    })
    .onConflictDoNothing({
      target: [grants.workspaceId, grants.source, grants.sourceRef],
      where: sql`${grants.sourceRef} is not null`,
    })
    .returning();
  if (inserted) {
    await recordAudit({
      db: opts.db,
      action: "grant.issued",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: auditDetail(inserted, { reason: opts.reason ?? null }),
      meta: opts.actor.meta,
      now: opts.now,
    });
    return { grant: inserted, created: true };
  }
  const [existing] = await opts.db
    .select()
    .from(grants)
    .where(
      and(
        eq(grants.workspaceId, opts.workspaceId),
        eq(grants.source, opts.source),
        eq(grants.sourceRef, sourceRef as string),
      ),
    )
    .limit(1);
  if (!existing) throw new Error("grant conflict without a row");
  return { grant: existing, created: false };
}

async function lockGrant(db: DbOrTx, workspaceId: string, grantId: string) {
  const [grant] = await db
    .select()
    .from(grants)
    .where(and(eq(grants.id, grantId), eq(grants.workspaceId, workspaceId)))
    .for("update")
    .limit(1);
  if (!grant) throw new AppError("NOT_FOUND", "Membership not found.");
  return grant;
}

/**
 * Moves a grant's window (a renewal, a creator extending a complimentary membership), optionally to another tier
 * (a subscription changed plan) and optionally reactivating an ended grant (a subscription that recovered from
 * `unpaid`, a dispute won). Nothing changes, and no audit row is written, when the grant already matches.
 */
export async function extendGrant(opts: {
  db: DbOrTx;
  workspaceId: string;
  grantId: string;
  endsAt: Date | null;
  tierId?: string | null;
  reactivate?: boolean;
  reason?: string | null;
  actor: GrantActor;
  now: Date;
}): Promise<{ grant: Grant; changed: boolean }> {
  const current = await lockGrant(opts.db, opts.workspaceId, opts.grantId);
  const status: GrantStatus = opts.reactivate ? "active" : current.status;
  const tierId = opts.tierId === undefined ? current.tierId : opts.tierId;
  const sameEnd = (current.endsAt?.getTime() ?? null) === (opts.endsAt?.getTime() ?? null);
  if (sameEnd && status === current.status && tierId === current.tierId) return { grant: current, changed: false };
  if (opts.endsAt && opts.endsAt.getTime() <= current.startsAt.getTime()) {
    throw new AppError("BAD_REQUEST", "A membership must end after it starts.", {
      fieldErrors: { endsAt: ["Choose an end after the start."] },
    });
  }
  const [grant] = await opts.db
    .update(grants)
    .set({
      endsAt: opts.endsAt,
      tierId,
      status,
      endedReason: status === "active" ? null : current.endedReason,
      updatedAt: opts.now,
    })
    .where(eq(grants.id, current.id))
    .returning();
  await recordAudit({
    db: opts.db,
    action: "grant.extended",
    actorUserId: opts.actor.userId,
    workspaceId: opts.workspaceId,
    detail: auditDetail(grant!, {
      previousEndsAt: current.endsAt?.toISOString() ?? null,
      previousStatus: current.status,
      previousTierId: current.tierId,
      reason: opts.reason ?? null,
    }),
    meta: opts.actor.meta,
    now: opts.now,
  });
  return { grant: grant!, changed: true };
}

/**
 * Ends a grant with a status saying why (canceled, expired, refunded, disputed, revoked) and the reason in the
 * creator's words. The window is kept as it was (history); the status alone denies access, from this
 * transaction's commit on. Ending an already ended grant with the same status changes nothing.
 */
export async function endGrant(opts: {
  db: DbOrTx;
  workspaceId: string;
  grantId: string;
  status: EndedGrantStatus;
  reason: string;
  actor: GrantActor;
  now: Date;
}): Promise<{ grant: Grant; changed: boolean }> {
  const current = await lockGrant(opts.db, opts.workspaceId, opts.grantId);
  if (current.status === opts.status) return { grant: current, changed: false };
  const [grant] = await opts.db
    .update(grants)
    .set({ status: opts.status, endedReason: opts.reason, updatedAt: opts.now })
    .where(eq(grants.id, current.id))
    .returning();
  await recordAudit({
    db: opts.db,
    action: "grant.ended",
    actorUserId: opts.actor.userId,
    workspaceId: opts.workspaceId,
    detail: auditDetail(grant!, { previousStatus: current.status, reason: opts.reason }),
    meta: opts.actor.meta,
    now: opts.now,
  });
  return { grant: grant!, changed: true };
}

/** Ends every active grant of one supporter (blocking, leaving the audience); returns how many changed. */
export async function endSupporterGrants(opts: {
  db: DbOrTx;
  workspaceId: string;
  supporterId: string;
  status: EndedGrantStatus;
  reason: string;
  actor: GrantActor;
  now: Date;
}): Promise<number> {
  const active = await opts.db
    .select({ id: grants.id })
    .from(grants)
    .where(
      and(
        eq(grants.workspaceId, opts.workspaceId),
        eq(grants.supporterId, opts.supporterId),
        eq(grants.status, "active"),
      ),
    );
  let changed = 0;
  for (const { id } of active) {
    const result = await endGrant({ ...opts, grantId: id });
    if (result.changed) changed++;
  }
  return changed;
}

export function isEndedStatus(status: GrantStatus): status is EndedGrantStatus {
  return (ENDED_STATUSES as readonly GrantStatus[]).includes(status);
}
