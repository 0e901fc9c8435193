import { and, eq, like, or, sql } from "drizzle-orm";
import type { DbOrTx, Transaction } from "../../../db/client";
import { audienceSubscriptions, grants, paymentLedger, tiers, users } from "../../../db/schema";
import type { AudienceSubscriptionStatus } from "../../../db/schema";
import { endGrant, extendGrant, issueGrant, PROVIDER_ACTOR, type Grant } from "./grants";
import type { PaymentEvent, PaymentPurpose, SubscriptionState } from "./payment-events";
import { ensureSupporter, findOrCreatePerson } from "./supporters";

/**
 * The one payment ledger (ADR 022). Every provider event — Stripe Connect webhooks and the offline sandbox alike —
 * comes here. `applyPaymentEvent` records the event once by `(provider, eventId)` and, in the same transaction,
 * changes grants through grants.ts; a duplicate delivery finds its row and changes nothing. Events of one
 * subscription (or one payment) are serialised by an advisory transaction lock on it, so concurrent deliveries
 * converge, and a state event older than the one applied is recorded as ignored, so any order converges.
 */

/** How long a `past_due` subscription keeps access past its period end while the provider retries the card. */
export const PAST_DUE_GRACE_SECONDS = 3 * 24 * 3600;

const ACCESS_STATUSES: readonly AudienceSubscriptionStatus[] = ["active", "trialing", "past_due"];

export type LedgerOutcome = "applied" | "ignored";

/** What a handler did with an event: recorded on its ledger row. */
export interface LedgerEffect {
  outcome: LedgerOutcome;
  grantId?: string | null;
  detail?: string | null;
  userId?: string | null;
}

export type ApplyResult = { duplicate: true } | ({ duplicate: false } & Required<Omit<LedgerEffect, "userId">>);

type TicketPurpose = Extract<PaymentPurpose, { kind: "ticket_order" }>;
type PaymentSucceeded = Extract<PaymentEvent, { type: "payment.succeeded" }>;
type CheckoutExpired = Extract<PaymentEvent, { type: "checkout.expired" }>;
type PaymentRefunded = Extract<PaymentEvent, { type: "payment.refunded" }>;

/**
 * Ticket orders belong to the events domain: it registers how a paid order becomes tickets (grants of kind
 * `ticket`, issued through grants.ts in `tx`) and how an expired checkout releases its holds. Both run inside the
 * ledger's transaction, after the ledger row is written, so they apply exactly once.
 */
export interface TicketPaymentHandler {
  paymentSucceeded(opts: {
    tx: Transaction;
    event: PaymentSucceeded;
    purpose: TicketPurpose;
    now: Date;
  }): Promise<LedgerEffect>;
  checkoutExpired(opts: {
    tx: Transaction;
    event: CheckoutExpired;
    purpose: TicketPurpose;
    now: Date;
  }): Promise<LedgerEffect>;
  /**
   * A one-off payment was refunded (whoever started it): if it paid a ticket order, a full refund ends its tickets
   * and frees their seats for the waitlist, and the order's refunded amount follows. Null when it paid no order.
   */
  paymentRefunded?(opts: { tx: Transaction; event: PaymentRefunded; now: Date }): Promise<LedgerEffect | null>;
}

let ticketPaymentHandler: TicketPaymentHandler | null = null;

/** Called once at module load by the events domain; a later call replaces the handler (tests). */
export function registerTicketPaymentHandler(handler: TicketPaymentHandler | null) {
  ticketPaymentHandler = handler;
}

/** The key events of one provider object serialise on. */
function lockKey(event: PaymentEvent): string {
  switch (event.type) {
    case "subscription.state":
      return `sub:${event.subscription.id}`;
    case "invoice.paid":
    case "invoice.payment_failed":
      return `sub:${event.subscriptionId}`;
    case "payment.refunded":
    case "dispute.state":
      return event.subscriptionId ? `sub:${event.subscriptionId}` : `pay:${event.paymentId}`;
    case "payment.succeeded":
      return `pay:${event.paymentId}`;
    case "checkout.expired":
      return `checkout:${event.checkoutId}`;
  }
}

function ledgerFields(event: PaymentEvent): {
  providerObjectId: string | null;
  amountCents: number;
  currency: string;
  applicationFeeCents: number;
  userId: string | null;
} {
  switch (event.type) {
    case "subscription.state":
      return {
        providerObjectId: event.subscription.id,
        amountCents: 0,
        currency: event.subscription.currency,
        applicationFeeCents: 0,
        userId: event.subscription.userId,
      };
    case "invoice.paid":
      return {
        providerObjectId: event.invoiceId,
        amountCents: event.amountCents,
        currency: event.currency,
        applicationFeeCents: event.applicationFeeCents,
        userId: null,
      };
    case "invoice.payment_failed":
      return {
        providerObjectId: event.invoiceId,
        amountCents: 0,
        currency: event.currency,
        applicationFeeCents: 0,
        userId: null,
      };
    case "payment.succeeded":
      return {
        providerObjectId: event.paymentId,
        amountCents: event.amountCents,
        currency: event.currency,
        applicationFeeCents: event.applicationFeeCents,
        userId: event.purpose.userId,
      };
    case "checkout.expired":
      return {
        providerObjectId: event.checkoutId,
        amountCents: 0,
        currency: "usd",
        applicationFeeCents: 0,
        userId: null,
      };
    case "payment.refunded":
      // Money going back is recorded as a negative movement, so revenue sums stay honest.
      return {
        providerObjectId: event.paymentId,
        amountCents: -event.amountRefundedCents,
        currency: event.currency,
        applicationFeeCents: 0,
        userId: null,
      };
    case "dispute.state":
      return {
        providerObjectId: event.disputeId,
        amountCents: event.status === "lost" ? -event.amountCents : 0,
        currency: event.currency,
        applicationFeeCents: 0,
        userId: null,
      };
  }
}

/**
 * Records `event` exactly once and applies it. Returns `{ duplicate: true }` when this `(provider, eventId)` was
 * recorded before (nothing changes), otherwise what was done. Given a transaction (a provider recording its own side
 * first), it runs in a savepoint of it, so everything commits together.
 */
export async function applyPaymentEvent(opts: { db: DbOrTx; event: PaymentEvent; now: Date }): Promise<ApplyResult> {
  const { event, now } = opts;
  return opts.db.transaction(async (tx) => {
    // Lock before the ledger insert: every delivery takes the object's lock first, then the event's unique index
    // entry, so a duplicate and a different event of the same object can never wait on each other in a cycle.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${event.provider}:${lockKey(event)}`}, 0))`);
    const fields = ledgerFields(event);
    const [row] = await tx
      .insert(paymentLedger)
      .values({
        workspaceId: event.workspaceId,
        userId: null,
        provider: event.provider,
        providerAccount: event.account,
        providerEventId: event.eventId,
        eventType: event.type,
        providerObjectId: fields.providerObjectId,
        amountCents: fields.amountCents,
        currency: fields.currency,
        applicationFeeCents: fields.applicationFeeCents,
        occurredAt: event.created,
        outcome: "ignored",
        createdAt: now,
      })
      .onConflictDoNothing({ target: [paymentLedger.provider, paymentLedger.providerEventId] })
      .returning({ id: paymentLedger.id });
    if (!row) return { duplicate: true } as const;
    const effect = await applyEffect(tx, event, now);
    const userId = effect.userId === undefined ? fields.userId : effect.userId;
    // The person must exist for the ledger to name them (an event may carry a stale or foreign user id).
    const knownUserId = userId ? await existingUserId(tx, userId) : null;
    await tx
      .update(paymentLedger)
      .set({
        outcome: effect.outcome,
        grantId: effect.grantId ?? null,
        detail: effect.detail ?? null,
        userId: knownUserId,
      })
      .where(eq(paymentLedger.id, row.id));
    return {
      duplicate: false,
      outcome: effect.outcome,
      grantId: effect.grantId ?? null,
      detail: effect.detail ?? null,
    } as const;
  });
}

async function existingUserId(tx: Transaction, userId: string): Promise<string | null> {
  const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  return user?.id ?? null;
}

const ignored = (detail: string): LedgerEffect => ({ outcome: "ignored", detail });

async function applyEffect(tx: Transaction, event: PaymentEvent, now: Date): Promise<LedgerEffect> {
  switch (event.type) {
    case "subscription.state":
      return applySubscriptionState(tx, event, event.subscription, now);
    case "invoice.paid":
      return applyInvoicePaid(tx, event, now);
    case "invoice.payment_failed":
      // Access follows the subscription's state (past_due, then unpaid or canceled), not the attempt.
      return { outcome: "applied", detail: "payment failed; the subscription's state decides access" };
    case "payment.succeeded":
      return applyPaymentSucceeded(tx, event, now);
    case "checkout.expired":
      if (event.purpose.kind !== "ticket_order") return ignored("checkout expired before payment");
      if (!ticketPaymentHandler) return ignored("no ticket handler registered");
      return ticketPaymentHandler.checkoutExpired({ tx, event, purpose: event.purpose, now });
    case "payment.refunded": {
      const tickets =
        event.subscriptionId === null && ticketPaymentHandler?.paymentRefunded
          ? await ticketPaymentHandler.paymentRefunded({ tx, event, now })
          : null;
      if (!event.fullyRefunded) return tickets ?? { outcome: "applied", detail: "partial refund; access unchanged" };
      const ended = await endPaidGrants(tx, event, "refunded", "Payment refunded", now);
      return tickets && ended.outcome === "ignored" ? tickets : ended;
    }
    case "dispute.state": {
      if (event.status === "won") return reinstateAfterDispute(tx, event, now);
      // One reason for open and lost, so the grant reads the same whether the loss or the opening arrived first;
      // the loss itself is the ledger row's money.
      const ended = await endPaidGrants(tx, event, "disputed", "Payment disputed", now);
      return event.status === "lost" && ended.outcome === "applied"
        ? { ...ended, detail: "Payment disputed and lost" }
        : ended;
    }
  }
}

/** A tier of this workspace (the event's metadata names it; the workspace comes from the connected account). */
async function workspaceTier(tx: Transaction, workspaceId: string, tierId: string) {
  const [tier] = await tx
    .select({ id: tiers.id, kind: tiers.kind })
    .from(tiers)
    .where(and(eq(tiers.id, tierId), eq(tiers.workspaceId, workspaceId)))
    .limit(1);
  return tier ?? null;
}

async function applySubscriptionState(
  tx: Transaction,
  event: PaymentEvent,
  state: SubscriptionState,
  now: Date,
): Promise<LedgerEffect> {
  const [existing] = await tx
    .select()
    .from(audienceSubscriptions)
    .where(
      and(
        eq(audienceSubscriptions.provider, event.provider),
        eq(audienceSubscriptions.providerSubscriptionId, state.id),
      ),
    )
    .for("update")
    .limit(1);
  if (existing && existing.workspaceId !== event.workspaceId)
    return ignored("subscription belongs to another workspace");
  if (existing?.updatedFromEventCreated != null && event.created < existing.updatedFromEventCreated) {
    return { ...ignored("older than the state already applied"), grantId: existing.grantId };
  }
  const tier = await workspaceTier(tx, event.workspaceId, state.tierId);
  if (!tier) return ignored("tier not in this workspace");
  const userId = existing?.userId ?? (await existingUserId(tx, state.userId));
  if (!userId) return ignored("unknown person");

  const values = {
    tierId: tier.id,
    providerCustomerId: state.customerId,
    interval: state.interval,
    status: state.status,
    currentPeriodEnd: state.currentPeriodEnd,
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    trialEnd: state.trialEnd,
    amountCents: state.amountCents,
    currency: state.currency,
    updatedFromEventCreated: event.created,
    updatedAt: now,
  };
  const { supporter } = await ensureSupporter({
    db: tx,
    workspaceId: event.workspaceId,
    userId,
    source: "checkout",
    actor: PROVIDER_ACTOR,
    now,
  });
  const subscription = existing
    ? (
        await tx.update(audienceSubscriptions).set(values).where(eq(audienceSubscriptions.id, existing.id)).returning()
      )[0]!
    : (
        await tx
          .insert(audienceSubscriptions)
          .values({
            ...values,
            workspaceId: event.workspaceId,
            userId,
            supporterId: supporter.id,
            provider: event.provider,
            providerAccount: event.account,
            providerSubscriptionId: state.id,
            createdAt: now,
          })
          .returning()
      )[0]!;

  const grant = await convergeSubscriptionGrant(tx, {
    workspaceId: event.workspaceId,
    userId,
    supporterId: supporter.id,
    tierId: tier.id,
    subscriptionId: state.id,
    status: state.status,
    currentPeriodEnd: state.currentPeriodEnd,
    now,
  });
  if (grant && subscription.grantId !== grant.id) {
    await tx
      .update(audienceSubscriptions)
      .set({ grantId: grant.id })
      .where(eq(audienceSubscriptions.id, subscription.id));
  }
  return { outcome: "applied", grantId: grant?.id ?? null, detail: `subscription ${state.status}`, userId };
}

/** Where a subscription in an access status stops granting: its period end, past_due a short grace beyond. */
function accessEnd(status: AudienceSubscriptionStatus, currentPeriodEnd: Date | null): Date | null {
  return currentPeriodEnd && status === "past_due"
    ? new Date(currentPeriodEnd.getTime() + PAST_DUE_GRACE_SECONDS * 1000)
    : currentPeriodEnd;
}

async function subscriptionGrant(tx: Transaction, workspaceId: string, subscriptionId: string) {
  const [grant] = await tx
    .select()
    .from(grants)
    .where(
      and(eq(grants.workspaceId, workspaceId), eq(grants.source, "subscription"), eq(grants.sourceRef, subscriptionId)),
    )
    .limit(1);
  return grant ?? null;
}

/**
 * Makes the subscription's one grant match the subscription's state: access statuses keep it active until the
 * period end (past_due a short grace beyond), the others end it. A grant ended by a refund or a dispute is not
 * reopened by a state event; a won dispute or the creator does that.
 */
async function convergeSubscriptionGrant(
  tx: Transaction,
  s: {
    workspaceId: string;
    userId: string;
    supporterId: string;
    tierId: string;
    subscriptionId: string;
    status: AudienceSubscriptionStatus;
    currentPeriodEnd: Date | null;
    now: Date;
  },
): Promise<Grant | null> {
  const existing = await subscriptionGrant(tx, s.workspaceId, s.subscriptionId);
  if (ACCESS_STATUSES.includes(s.status)) {
    const endsAt = accessEnd(s.status, s.currentPeriodEnd);
    if (!existing) {
      const { grant } = await issueGrant({
        db: tx,
        workspaceId: s.workspaceId,
        userId: s.userId,
        supporterId: s.supporterId,
        kind: "tier",
        tierId: s.tierId,
        source: "subscription",
        sourceRef: s.subscriptionId,
        startsAt: s.now,
        endsAt,
        actor: PROVIDER_ACTOR,
        now: s.now,
      });
      return grant;
    }
    if (existing.status === "refunded" || existing.status === "disputed") return existing;
    const { grant } = await extendGrant({
      db: tx,
      workspaceId: s.workspaceId,
      grantId: existing.id,
      endsAt,
      tierId: s.tierId,
      reactivate: true,
      reason: `subscription ${s.status}`,
      actor: PROVIDER_ACTOR,
      now: s.now,
    });
    return grant;
  }
  if (!existing) return null;
  if (existing.status !== "active") return existing;
  const { grant } = await endGrant({
    db: tx,
    workspaceId: s.workspaceId,
    grantId: existing.id,
    status: s.status === "incomplete_expired" ? "expired" : "canceled",
    reason:
      s.status === "unpaid"
        ? "Subscription unpaid"
        : s.status === "paused"
          ? "Subscription paused"
          : "Subscription ended",
    actor: PROVIDER_ACTOR,
    now: s.now,
  });
  return grant;
}

async function applyInvoicePaid(
  tx: Transaction,
  event: Extract<PaymentEvent, { type: "invoice.paid" }>,
  now: Date,
): Promise<LedgerEffect> {
  const grant = await subscriptionGrant(tx, event.workspaceId, event.subscriptionId);
  // The subscription's state event (which always accompanies a renewal) creates or reopens the grant.
  if (!grant) return ignored("subscription not known yet; its state event grants access");
  if (grant.status !== "active")
    return { ...ignored(`grant is ${grant.status}`), grantId: grant.id, userId: grant.userId };
  if (grant.endsAt && grant.endsAt.getTime() >= event.periodEnd.getTime()) {
    return { outcome: "applied", grantId: grant.id, detail: "period already covered", userId: grant.userId };
  }
  await extendGrant({
    db: tx,
    workspaceId: event.workspaceId,
    grantId: grant.id,
    endsAt: event.periodEnd,
    reason: "invoice paid",
    actor: PROVIDER_ACTOR,
    now,
  });
  return { outcome: "applied", grantId: grant.id, detail: "renewed", userId: grant.userId };
}

async function applyPaymentSucceeded(tx: Transaction, event: PaymentSucceeded, now: Date): Promise<LedgerEffect> {
  const purpose = event.purpose;
  switch (purpose.kind) {
    case "ticket_order":
      if (!ticketPaymentHandler) return ignored("no ticket handler registered");
      return ticketPaymentHandler.paymentSucceeded({ tx, event, purpose, now });
    case "tier":
      // A subscription's first charge: its state event decides access; the money is recorded here.
      return { outcome: "applied", detail: "subscription payment" };
    case "gift": {
      const tier = await workspaceTier(tx, event.workspaceId, purpose.tierId);
      if (!tier) return ignored("tier not in this workspace");
      const recipient = await findOrCreatePerson({ db: tx, email: purpose.recipientEmail, name: "", now });
      const { supporter } = await ensureSupporter({
        db: tx,
        workspaceId: event.workspaceId,
        userId: recipient.id,
        source: "checkout",
        actor: PROVIDER_ACTOR,
        now,
      });
      const months = purpose.months ?? 1;
      const endsAt = new Date(now);
      endsAt.setUTCMonth(endsAt.getUTCMonth() + months);
      const { grant } = await issueGrant({
        db: tx,
        workspaceId: event.workspaceId,
        userId: recipient.id,
        supporterId: supporter.id,
        kind: "tier",
        tierId: tier.id,
        source: "gift",
        sourceRef: event.paymentId,
        startsAt: now,
        endsAt,
        reason: `gift paid by ${purpose.userId}`,
        actor: PROVIDER_ACTOR,
        now,
      });
      return { outcome: "applied", grantId: grant.id, detail: `gift of ${months} month(s)` };
    }
  }
}

/** Grants a payment paid for: the subscription's, or the one-off payment's (ref = id or `id:suffix`). */
async function paidGrants(
  tx: Transaction,
  event: Extract<PaymentEvent, { type: "payment.refunded" | "dispute.state" }>,
): Promise<Grant[]> {
  if (event.subscriptionId) {
    const grant = await subscriptionGrant(tx, event.workspaceId, event.subscriptionId);
    return grant ? [grant] : [];
  }
  return tx
    .select()
    .from(grants)
    .where(
      and(
        eq(grants.workspaceId, event.workspaceId),
        or(eq(grants.sourceRef, event.paymentId), like(grants.sourceRef, `${event.paymentId}:%`)),
      ),
    );
}

async function endPaidGrants(
  tx: Transaction,
  event: Extract<PaymentEvent, { type: "payment.refunded" | "dispute.state" }>,
  status: "refunded" | "disputed",
  reason: string,
  now: Date,
): Promise<LedgerEffect> {
  const found = await paidGrants(tx, event);
  if (found.length === 0) return ignored("no grant for this payment");
  // A full refund outranks a dispute: a grant the refund ended stays refunded whatever dispute news comes after, and
  // a refund ends a disputed grant as refunded, so a refund and a dispute of one payment converge in either order.
  const toEnd = status === "disputed" ? found.filter((grant) => grant.status !== "refunded") : found;
  if (toEnd.length === 0) return { outcome: "applied", grantId: found[0]!.id, detail: "payment already refunded" };
  for (const grant of toEnd) {
    await endGrant({
      db: tx,
      workspaceId: event.workspaceId,
      grantId: grant.id,
      status,
      reason,
      actor: PROVIDER_ACTOR,
      now,
    });
  }
  return { outcome: "applied", grantId: toEnd[0]!.id, detail: reason, userId: toEnd[0]!.userId };
}

/**
 * A won dispute gives back what the dispute took (a refund stays a refund). A subscription's grant goes back to what
 * the subscription's state says now (it may have been canceled or renewed while the dispute was open), so a won
 * dispute and the subscription's events converge in either order.
 */
async function reinstateAfterDispute(
  tx: Transaction,
  event: Extract<PaymentEvent, { type: "dispute.state" }>,
  now: Date,
): Promise<LedgerEffect> {
  const found = (await paidGrants(tx, event)).filter((grant) => grant.status === "disputed");
  if (found.length === 0) return { outcome: "applied", detail: "dispute won; nothing to reinstate" };
  const subscription = event.subscriptionId
    ? (
        await tx
          .select()
          .from(audienceSubscriptions)
          .where(
            and(
              eq(audienceSubscriptions.provider, event.provider),
              eq(audienceSubscriptions.providerSubscriptionId, event.subscriptionId),
              eq(audienceSubscriptions.workspaceId, event.workspaceId),
            ),
          )
          .limit(1)
      )[0]
    : undefined;
  for (const grant of found) {
    if (subscription && !ACCESS_STATUSES.includes(subscription.status)) {
      await endGrant({
        db: tx,
        workspaceId: event.workspaceId,
        grantId: grant.id,
        status: subscription.status === "incomplete_expired" ? "expired" : "canceled",
        reason: "dispute won; subscription ended",
        actor: PROVIDER_ACTOR,
        now,
      });
      continue;
    }
    await extendGrant({
      db: tx,
      workspaceId: event.workspaceId,
      grantId: grant.id,
      endsAt: subscription ? accessEnd(subscription.status, subscription.currentPeriodEnd) : grant.endsAt,
      reactivate: true,
      reason: "dispute won",
      actor: PROVIDER_ACTOR,
      now,
    });
  }
  return { outcome: "applied", grantId: found[0]!.id, detail: "dispute won", userId: found[0]!.userId };
}
