import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, lte, or, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { Database, DbOrTx } from "../../../db/client";
import {
  sandboxCheckoutSessions,
  sandboxPayments,
  sandboxSubscriptions,
  tiers,
  workspaces,
  type SandboxSubscriptionStatus,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import type { PaymentEvent, SubscriptionState } from "../audience/payment-events";
import { applyPaymentEvent } from "./ledger-entry";
import { SANDBOX_DISPUTE_ACTIONS, type SandboxControl } from "./sandbox-controls";
import {
  paymentsMode,
  type CheckoutRequest,
  type CheckoutSession,
  type PaymentsEnv,
  type PaymentsProviderApi,
  type RefundResult,
} from "./provider";

/**
 * The offline payment provider (ADR 025): what Stripe would do for a creator's connected account, kept in the
 * `sandbox_` tables, reported as the same `PaymentEvent`s to the same ledger call. No money moves; every page that
 * shows it says so.
 */

export const SANDBOX_ACCOUNT = "sandbox";
/** Stripe's default Checkout lifetime. */
const CHECKOUT_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Stripe's shortest `expires_at`; a ticket hold shorter than this could not be honoured by Stripe either. */
const MIN_CHECKOUT_LIFETIME_MS = 30 * 60 * 1000;
/** How long a failed renewal stays past_due before the sandbox gives up and cancels (Stripe's retry schedule). */
export const SANDBOX_PAST_DUE_DAYS = 7;
const DAY_MS = 86_400_000;

const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, "")}`;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The next event time of an object: never before the previous one's, so newest-state-wins holds within a second. */
const nextCreated = (last: number, now: Date) => Math.max(seconds(now), last + 1);

function addInterval(date: Date, interval: "month" | "year"): Date {
  const next = new Date(date);
  if (interval === "month") next.setUTCMonth(next.getUTCMonth() + 1);
  else next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next;
}

type SubscriptionRow = typeof sandboxSubscriptions.$inferSelect;
type PaymentRow = typeof sandboxPayments.$inferSelect;

function stateOf(row: SubscriptionRow): SubscriptionState {
  return {
    id: row.id,
    customerId: row.customerId,
    status: row.status,
    interval: row.interval,
    currentPeriodEnd: row.currentPeriodEnd,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    trialEnd: row.trialEnd,
    amountCents: row.amountCents,
    currency: row.currency,
    tierId: row.tierId,
    userId: row.userId,
  };
}

type EventBody = PaymentEvent extends infer E ? (E extends PaymentEvent ? Omit<E, keyof Base> : never) : never;
type Base = Pick<PaymentEvent, "provider" | "account" | "eventId" | "created" | "workspaceId">;

/** Every sandbox event gets its own id, as Stripe's do, so the ledger's exactly-once key behaves the same. */
async function emit(tx: DbOrTx, workspaceId: string, created: number, body: EventBody, now: Date) {
  const event = {
    provider: "sandbox",
    account: SANDBOX_ACCOUNT,
    eventId: newId("sbevt"),
    created,
    workspaceId,
    ...body,
  } as PaymentEvent;
  await applyPaymentEvent({ db: tx, event, now });
}

/** Stores the subscription's new state and reports it, with a `created` after every earlier event about it. */
async function saveAndReport(tx: DbOrTx, row: SubscriptionRow, changes: Partial<SubscriptionRow>, now: Date) {
  const created = nextCreated(row.lastEventCreated, now);
  const [updated] = await tx
    .update(sandboxSubscriptions)
    .set({ ...changes, lastEventCreated: created, updatedAt: now })
    .where(eq(sandboxSubscriptions.id, row.id))
    .returning();
  await emit(tx, row.workspaceId, created, { type: "subscription.state", subscription: stateOf(updated) }, now);
  return updated;
}

/** Charges one invoice of the subscription and reports it (invoice.paid or invoice.payment_failed). */
async function chargeInvoice(
  tx: DbOrTx,
  row: SubscriptionRow,
  outcome: "paid" | "failed",
  periodEnd: Date,
  now: Date,
): Promise<{ created: number }> {
  const invoiceId = newId("sbin");
  await tx.insert(sandboxPayments).values({
    id: newId("sbpay"),
    workspaceId: row.workspaceId,
    userId: row.userId,
    subscriptionId: row.id,
    invoiceId,
    status: outcome === "paid" ? "succeeded" : "failed",
    amountCents: row.amountCents,
    currency: row.currency,
    createdAt: now,
  });
  const created = nextCreated(row.lastEventCreated, now);
  const money = { subscriptionId: row.id, invoiceId, amountCents: row.amountCents, currency: row.currency };
  await emit(
    tx,
    row.workspaceId,
    created,
    outcome === "paid"
      ? { type: "invoice.paid", ...money, applicationFeeCents: 0, periodEnd }
      : { type: "invoice.payment_failed", ...money },
    now,
  );
  return { created };
}

export async function loadTierForCheckout(db: DbOrTx, workspaceId: string, tierId: string, interval: "month" | "year") {
  const [tier] = await db
    .select()
    .from(tiers)
    .where(and(eq(tiers.id, tierId), eq(tiers.workspaceId, workspaceId)));
  if (!tier) throw notFound("Tier");
  if (tier.archivedAt) throw new AppError("PRECONDITION_FAILED", "This tier no longer takes new members.");
  const amount = interval === "month" ? tier.monthlyPriceCents : tier.yearlyPriceCents;
  if (tier.kind !== "paid" || !amount)
    throw new AppError("PRECONDITION_FAILED", `This tier has no ${interval === "month" ? "monthly" : "yearly"} price.`);
  return { tier, amount };
}

export function sandboxProvider(opts: { appUrl: string }): PaymentsProviderApi {
  return {
    provider: "sandbox",
    createCheckout: ({ db, request, now }) => createSandboxCheckout({ db, request, now, appUrl: opts.appUrl }),
    createPortal: async ({ request }) => ({ url: `${opts.appUrl}/sandbox/portal/${request.workspaceId}` }),
    refund: ({ db, request, now }) =>
      refundSandboxPayment({
        db,
        workspaceId: request.workspaceId,
        paymentId: request.paymentId,
        amountCents: request.amountCents,
        idempotencyKey: request.idempotencyKey,
        now,
      }),
  };
}

async function createSandboxCheckout(opts: {
  db: DbOrTx;
  request: CheckoutRequest;
  now: Date;
  appUrl: string;
}): Promise<CheckoutSession> {
  const { db, request, now } = opts;
  const id = newId("sbcs");
  const common = {
    id,
    workspaceId: request.workspaceId,
    userId: request.userId,
    successUrl: request.successUrl,
    cancelUrl: request.cancelUrl,
    createdAt: now,
  };
  let expiresAt: Date;
  if (request.kind === "subscription") {
    const { tier, amount } = await loadTierForCheckout(db, request.workspaceId, request.tierId, request.interval);
    expiresAt = new Date(now.getTime() + CHECKOUT_LIFETIME_MS);
    await db.insert(sandboxCheckoutSessions).values({
      ...common,
      mode: "subscription",
      purpose: { kind: "tier", tierId: tier.id, userId: request.userId },
      description: `${tier.name} (${request.interval === "month" ? "monthly" : "yearly"})`,
      tierId: tier.id,
      interval: request.interval,
      trialDays: tier.trialDays,
      amountCents: amount,
      currency: tier.currency,
      expiresAt,
    });
  } else {
    const lifetime = request.expiresAt.getTime() - now.getTime();
    if (lifetime < MIN_CHECKOUT_LIFETIME_MS || lifetime > CHECKOUT_LIFETIME_MS)
      throw new AppError("BAD_REQUEST", "A checkout must expire between 30 minutes and 24 hours from now.");
    if (!Number.isInteger(request.amountCents) || request.amountCents <= 0)
      throw new AppError("BAD_REQUEST", "A payment must be for a positive amount.");
    expiresAt = request.expiresAt;
    await db.insert(sandboxCheckoutSessions).values({
      ...common,
      mode: "payment",
      purpose: request.purpose,
      description: request.description,
      amountCents: request.amountCents,
      currency: request.currency.toLowerCase(),
      expiresAt,
    });
  }
  return { id, url: `${opts.appUrl}/sandbox/checkout/${id}`, expiresAt };
}

/** Only the buyer may see their checkout; anyone else gets NOT_FOUND, as for another tenant's object. */
export async function getSandboxCheckout(opts: { db: DbOrTx; checkoutId: string; userId: string; now: Date }) {
  const [found] = await opts.db
    .select({ row: sandboxCheckoutSessions, workspaceName: workspaces.name })
    .from(sandboxCheckoutSessions)
    .innerJoin(workspaces, eq(workspaces.id, sandboxCheckoutSessions.workspaceId))
    .where(and(eq(sandboxCheckoutSessions.id, opts.checkoutId), eq(sandboxCheckoutSessions.userId, opts.userId)));
  if (!found) throw notFound("Checkout");
  const { row } = found;
  const status = row.status === "open" && row.expiresAt <= opts.now ? "expired" : row.status;
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    workspaceName: found.workspaceName,
    mode: row.mode,
    description: row.description,
    interval: row.interval,
    trialDays: row.trialDays,
    amountCents: row.amountCents,
    currency: row.currency,
    status,
    expiresAt: row.expiresAt,
    cancelUrl: row.cancelUrl,
    successUrl: row.successUrl,
  };
}

/** Locks the buyer's checkout, which must still be open (the caller handles one past its expiry). */
async function lockOpenCheckout(tx: DbOrTx, checkoutId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(sandboxCheckoutSessions)
    .where(and(eq(sandboxCheckoutSessions.id, checkoutId), eq(sandboxCheckoutSessions.userId, userId)))
    .for("update");
  if (!row) throw notFound("Checkout");
  if (row.status !== "open")
    throw new AppError("CONFLICT", `This checkout is already ${row.status === "completed" ? "paid" : row.status}.`);
  return row;
}

/**
 * The buyer pays (pretend money). A subscription starts (trialing when the tier has a trial, else active with its
 * first invoice paid); a one-off payment succeeds. Returns where to send the buyer.
 */
export async function confirmSandboxCheckout(opts: {
  db: Database;
  checkoutId: string;
  userId: string;
  meta: RequestMeta;
  now: Date;
}): Promise<{ redirectTo: string }> {
  const { now } = opts;
  const outcome = await opts.db.transaction(async (tx) => {
    const session = await lockOpenCheckout(tx, opts.checkoutId, opts.userId);
    if (session.expiresAt <= now) {
      await expireCheckout(tx, session, now);
      return "expired" as const;
    }
    let subscriptionId: string | null = null;
    let paymentId: string | null = null;
    if (session.mode === "subscription" && session.tierId && session.interval) {
      subscriptionId = await startSubscription(tx, session, now);
    } else {
      paymentId = await takeOneOffPayment(tx, session, now);
    }
    await tx
      .update(sandboxCheckoutSessions)
      .set({ status: "completed", subscriptionId, paymentId, closedAt: now })
      .where(eq(sandboxCheckoutSessions.id, session.id));
    await auditCheckout(tx, session, "checkout_paid", opts.meta, now);
    return session.successUrl;
  });
  if (outcome === "expired") throw new AppError("PRECONDITION_FAILED", "This checkout has expired; start again.");
  return { redirectTo: outcome };
}

async function startSubscription(
  tx: DbOrTx,
  session: typeof sandboxCheckoutSessions.$inferSelect,
  now: Date,
): Promise<string> {
  const interval = session.interval ?? "month";
  const trialEnd = session.trialDays > 0 ? new Date(now.getTime() + session.trialDays * DAY_MS) : null;
  const [row] = await tx
    .insert(sandboxSubscriptions)
    .values({
      id: newId("sbsub"),
      workspaceId: session.workspaceId,
      userId: session.userId,
      tierId: session.tierId ?? "",
      customerId: `sbcus_${session.userId.replace(/-/g, "")}`,
      interval,
      status: trialEnd ? "trialing" : "active",
      amountCents: session.amountCents,
      currency: session.currency,
      currentPeriodStart: now,
      currentPeriodEnd: trialEnd ?? addInterval(now, interval),
      trialEnd,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  // Stripe's order for a new subscription: created, then its first invoice paid.
  const started = await saveAndReport(tx, row, {}, now);
  if (!trialEnd) {
    const { created } = await chargeInvoice(tx, started, "paid", started.currentPeriodEnd, now);
    await tx.update(sandboxSubscriptions).set({ lastEventCreated: created }).where(eq(sandboxSubscriptions.id, row.id));
  }
  return row.id;
}

async function takeOneOffPayment(
  tx: DbOrTx,
  session: typeof sandboxCheckoutSessions.$inferSelect,
  now: Date,
): Promise<string> {
  const paymentId = newId("sbpay");
  await tx.insert(sandboxPayments).values({
    id: paymentId,
    workspaceId: session.workspaceId,
    userId: session.userId,
    checkoutId: session.id,
    purpose: session.purpose,
    status: "succeeded",
    amountCents: session.amountCents,
    currency: session.currency,
    createdAt: now,
  });
  await emit(
    tx,
    session.workspaceId,
    seconds(now),
    {
      type: "payment.succeeded",
      paymentId,
      checkoutId: session.id,
      purpose: session.purpose,
      amountCents: session.amountCents,
      applicationFeeCents: 0,
      currency: session.currency,
    },
    now,
  );
  return paymentId;
}

async function expireCheckout(tx: DbOrTx, session: typeof sandboxCheckoutSessions.$inferSelect, now: Date) {
  await tx
    .update(sandboxCheckoutSessions)
    .set({ status: "expired", closedAt: now })
    .where(eq(sandboxCheckoutSessions.id, session.id));
  await emit(
    tx,
    session.workspaceId,
    seconds(now),
    { type: "checkout.expired", checkoutId: session.id, purpose: session.purpose },
    now,
  );
}

/**
 * The buyer declines. Stripe would leave the session open until it expires; the sandbox closes it at once and
 * reports `checkout.expired`, so a hold taken for it (tickets) is released now rather than in up to a day.
 */
export async function declineSandboxCheckout(opts: {
  db: Database;
  checkoutId: string;
  userId: string;
  meta: RequestMeta;
  now: Date;
}): Promise<{ redirectTo: string }> {
  return opts.db.transaction(async (tx) => {
    const session = await lockOpenCheckout(tx, opts.checkoutId, opts.userId);
    await tx
      .update(sandboxCheckoutSessions)
      .set({ status: "declined", closedAt: opts.now })
      .where(eq(sandboxCheckoutSessions.id, session.id));
    await emit(
      tx,
      session.workspaceId,
      seconds(opts.now),
      { type: "checkout.expired", checkoutId: session.id, purpose: session.purpose },
      opts.now,
    );
    await auditCheckout(tx, session, "checkout_declined", opts.meta, opts.now);
    return { redirectTo: session.cancelUrl };
  });
}

/** The buyer's decision, recorded with it in the creator's audit log. */
function auditCheckout(
  tx: DbOrTx,
  session: typeof sandboxCheckoutSessions.$inferSelect,
  control: "checkout_paid" | "checkout_declined",
  meta: RequestMeta,
  now: Date,
) {
  return recordAudit({
    db: tx,
    action: "payments.sandbox_action",
    actorUserId: session.userId,
    workspaceId: session.workspaceId,
    detail: { control, checkoutId: session.id },
    meta,
    now,
  });
}

/** Locks one of the workspace's sandbox subscriptions (optionally only the given user's). */
async function lockSubscription(tx: DbOrTx, workspaceId: string, subscriptionId: string, userId?: string) {
  const [row] = await tx
    .select()
    .from(sandboxSubscriptions)
    .where(
      and(
        eq(sandboxSubscriptions.id, subscriptionId),
        eq(sandboxSubscriptions.workspaceId, workspaceId),
        userId ? eq(sandboxSubscriptions.userId, userId) : undefined,
      ),
    )
    .for("update");
  if (!row) throw notFound("Subscription");
  return row;
}

/** One billing cycle: charge the next period (paid → active; failed → past_due with the period advanced, as Stripe). */
async function renew(tx: DbOrTx, row: SubscriptionRow, outcome: "paid" | "failed", now: Date) {
  if (row.status === "canceled") throw new AppError("CONFLICT", "This subscription has ended.");
  // Retrying a failed renewal pays the period that already started; otherwise a new period starts now.
  const retry = row.status === "past_due";
  const periodStart = retry ? row.currentPeriodStart : now;
  const periodEnd = retry ? row.currentPeriodEnd : addInterval(now, row.interval);
  const { created } = await chargeInvoice(tx, row, outcome, periodEnd, now);
  const status: SandboxSubscriptionStatus = outcome === "paid" ? "active" : "past_due";
  return saveAndReport(
    tx,
    { ...row, lastEventCreated: created },
    {
      status,
      currentPeriodStart: periodStart,
      currentPeriodEnd: periodEnd,
      // Renewing a trial early ends the trial now.
      trialEnd: row.status === "trialing" && row.trialEnd && row.trialEnd > now ? now : row.trialEnd,
      failNextRenewal: false,
    },
    now,
  );
}

async function endSubscription(tx: DbOrTx, row: SubscriptionRow, now: Date) {
  if (row.status === "canceled") throw new AppError("CONFLICT", "This subscription has already ended.");
  return saveAndReport(tx, row, { status: "canceled", canceledAt: now, cancelAtPeriodEnd: false }, now);
}

/**
 * The sandbox's controls on a subscription, each reporting what Stripe would report. `userId` limits it to that
 * supporter's own subscriptions (the portal); the creator's page passes none.
 */
export async function controlSandboxSubscription(opts: {
  db: Database;
  workspaceId: string;
  subscriptionId: string;
  control: SandboxControl;
  userId?: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}): Promise<{ status: SandboxSubscriptionStatus; cancelAtPeriodEnd: boolean }> {
  const { now } = opts;
  return opts.db.transaction(async (tx) => {
    const row = await lockSubscription(tx, opts.workspaceId, opts.subscriptionId, opts.userId);
    let after: SubscriptionRow;
    switch (opts.control) {
      case "renew":
        after = await renew(tx, row, "paid", now);
        break;
      case "fail_renewal":
        after = await renew(tx, row, "failed", now);
        break;
      case "fail_next_renewal":
        if (row.status === "canceled") throw new AppError("CONFLICT", "This subscription has ended.");
        [after] = await tx
          .update(sandboxSubscriptions)
          .set({ failNextRenewal: true, updatedAt: now })
          .where(eq(sandboxSubscriptions.id, row.id))
          .returning();
        break;
      case "cancel_now":
        after = await endSubscription(tx, row, now);
        break;
      case "cancel_at_period_end":
      case "resume":
        if (row.status === "canceled") throw new AppError("CONFLICT", "This subscription has already ended.");
        after = await saveAndReport(tx, row, { cancelAtPeriodEnd: opts.control === "cancel_at_period_end" }, now);
        break;
    }
    await recordAudit({
      db: tx,
      action: "payments.sandbox_action",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { control: opts.control, subscriptionId: row.id },
      meta: opts.meta,
      now,
    });
    return { status: after.status, cancelAtPeriodEnd: after.cancelAtPeriodEnd };
  });
}

/**
 * Refunds part or the rest of a sandbox payment. The event carries this refund's amount (the ledger records each
 * refund as its own negative movement) and whether the payment is now fully refunded.
 */
export async function refundSandboxPayment(opts: {
  db: DbOrTx;
  workspaceId: string;
  paymentId: string;
  amountCents?: number;
  idempotencyKey?: string;
  now: Date;
}): Promise<RefundResult> {
  return opts.db.transaction(async (tx) => {
    const payment = await lockPayment(tx, opts.workspaceId, opts.paymentId);
    const key = opts.idempotencyKey;
    const earlier = key && Object.hasOwn(payment.refundKeys, key) ? payment.refundKeys[key] : undefined;
    if (earlier)
      return { refundId: earlier.refundId, amountRefundedCents: earlier.amountCents, currency: payment.currency };
    if (payment.status !== "succeeded") throw new AppError("CONFLICT", "Only a successful payment can be refunded.");
    const remaining = payment.amountCents - payment.refundedCents;
    const amount = opts.amountCents ?? remaining;
    if (!Number.isInteger(amount) || amount <= 0 || amount > remaining)
      throw new AppError("BAD_REQUEST", `Refund between 1 and ${remaining} (minor units).`);
    const refunded = payment.refundedCents + amount;
    const refundId = newId("sbre");
    const refundKeys = opts.idempotencyKey
      ? { ...payment.refundKeys, [opts.idempotencyKey]: { refundId, amountCents: amount } }
      : payment.refundKeys;
    await tx
      .update(sandboxPayments)
      .set({ refundedCents: refunded, refundKeys })
      .where(eq(sandboxPayments.id, payment.id));
    await emit(
      tx,
      payment.workspaceId,
      await paymentEventTime(tx, payment, opts.now),
      {
        type: "payment.refunded",
        paymentId: payment.id,
        subscriptionId: payment.subscriptionId,
        amountRefundedCents: amount,
        fullyRefunded: refunded === payment.amountCents,
        currency: payment.currency,
      },
      opts.now,
    );
    return { refundId, amountRefundedCents: amount, currency: payment.currency };
  });
}

async function lockPayment(tx: DbOrTx, workspaceId: string, paymentId: string): Promise<PaymentRow> {
  const [payment] = await tx
    .select()
    .from(sandboxPayments)
    .where(and(eq(sandboxPayments.id, paymentId), eq(sandboxPayments.workspaceId, workspaceId)))
    .for("update");
  if (!payment) throw notFound("Payment");
  return payment;
}

/** A payment's events are ordered with its subscription's, so a refund never predates the renewal it refunds. */
async function paymentEventTime(tx: DbOrTx, payment: PaymentRow, now: Date): Promise<number> {
  if (!payment.subscriptionId) return seconds(now);
  const [subscription] = await tx
    .update(sandboxSubscriptions)
    .set({ lastEventCreated: sql`greatest(${sandboxSubscriptions.lastEventCreated} + 1, ${seconds(now)})` })
    .where(eq(sandboxSubscriptions.id, payment.subscriptionId))
    .returning({ created: sandboxSubscriptions.lastEventCreated });
  return subscription?.created ?? seconds(now);
}

/** A supporter's bank disputes a payment (open), and the creator wins or loses it. */
export async function disputeSandboxPayment(opts: {
  db: Database;
  workspaceId: string;
  paymentId: string;
  action: (typeof SANDBOX_DISPUTE_ACTIONS)[number];
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}): Promise<void> {
  await opts.db.transaction(async (tx) => {
    const payment = await lockPayment(tx, opts.workspaceId, opts.paymentId);
    if (payment.status !== "succeeded") throw new AppError("CONFLICT", "Only a successful payment can be disputed.");
    if (opts.action === "open" && payment.disputeStatus)
      throw new AppError("CONFLICT", "This payment is already disputed.");
    if (opts.action === "open" && payment.refundedCents >= payment.amountCents)
      throw new AppError("CONFLICT", "This payment was refunded in full; there is nothing to dispute.");
    if (opts.action !== "open" && payment.disputeStatus !== "open")
      throw new AppError("CONFLICT", "This payment has no open dispute.");
    const disputeId = payment.disputeId ?? newId("sbdp");
    await tx
      .update(sandboxPayments)
      .set({ disputeId, disputeStatus: opts.action })
      .where(eq(sandboxPayments.id, payment.id));
    await emit(
      tx,
      payment.workspaceId,
      await paymentEventTime(tx, payment, opts.now),
      {
        type: "dispute.state",
        disputeId,
        paymentId: payment.id,
        subscriptionId: payment.subscriptionId,
        amountCents: payment.amountCents,
        currency: payment.currency,
        status: opts.action,
      },
      opts.now,
    );
    await recordAudit({
      db: tx,
      action: "payments.sandbox_action",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { control: `dispute_${opts.action}`, paymentId: payment.id },
      meta: opts.meta,
      now: opts.now,
    });
  });
}

/** A supporter's own sandbox subscriptions with one creator (the sandbox's customer portal), in one round trip. */
export async function listOwnSandboxSubscriptions(opts: { db: DbOrTx; workspaceId: string; userId: string }) {
  const [workspace, items] = await readBatch(opts.db, [
    opts.db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, opts.workspaceId)),
    opts.db
      .select({
        id: sandboxSubscriptions.id,
        tierName: tiers.name,
        interval: sandboxSubscriptions.interval,
        status: sandboxSubscriptions.status,
        amountCents: sandboxSubscriptions.amountCents,
        currency: sandboxSubscriptions.currency,
        currentPeriodEnd: sandboxSubscriptions.currentPeriodEnd,
        cancelAtPeriodEnd: sandboxSubscriptions.cancelAtPeriodEnd,
      })
      .from(sandboxSubscriptions)
      .innerJoin(tiers, eq(tiers.id, sandboxSubscriptions.tierId))
      .where(and(eq(sandboxSubscriptions.workspaceId, opts.workspaceId), eq(sandboxSubscriptions.userId, opts.userId)))
      .orderBy(desc(sandboxSubscriptions.createdAt), desc(sandboxSubscriptions.id)),
  ]);
  return { workspaceName: workspace[0]?.name ?? null, items };
}

/**
 * The sandbox's billing clock, run by the cron: expires open checkouts past `expires_at`, renews subscriptions at
 * period end (ending those set to cancel, failing those marked to fail), and cancels subscriptions that stayed
 * past_due for SANDBOX_PAST_DUE_DAYS. Each object is handled in its own transaction under its row lock and
 * re-checked there, so overlapping runs and a creator's click at the same moment act once.
 */
export async function runSandboxBilling(opts: { db: Database; now: Date; batch?: number }) {
  const { db, now } = opts;
  const batch = opts.batch ?? 100;
  const counts = { checkoutsExpired: 0, renewed: 0, renewalsFailed: 0, ended: 0 };

  const dueCheckouts = await db
    .select({ id: sandboxCheckoutSessions.id })
    .from(sandboxCheckoutSessions)
    .where(and(eq(sandboxCheckoutSessions.status, "open"), lte(sandboxCheckoutSessions.expiresAt, now)))
    .orderBy(asc(sandboxCheckoutSessions.expiresAt))
    .limit(batch);
  for (const { id } of dueCheckouts) {
    await db.transaction(async (tx) => {
      const [session] = await tx
        .select()
        .from(sandboxCheckoutSessions)
        .where(eq(sandboxCheckoutSessions.id, id))
        .for("update");
      if (session?.status !== "open" || session.expiresAt > now) return;
      await expireCheckout(tx, session, now);
      counts.checkoutsExpired++;
    });
  }

  const pastDueCutoff = new Date(now.getTime() - SANDBOX_PAST_DUE_DAYS * DAY_MS);
  const due = await db
    .select({ id: sandboxSubscriptions.id })
    .from(sandboxSubscriptions)
    .where(dueCondition(now, pastDueCutoff))
    .orderBy(asc(sandboxSubscriptions.currentPeriodEnd))
    .limit(batch);
  for (const { id } of due) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(sandboxSubscriptions)
        .where(and(eq(sandboxSubscriptions.id, id), dueCondition(now, pastDueCutoff)))
        .for("update");
      if (!row) return;
      if (row.status === "past_due" || row.cancelAtPeriodEnd) {
        await endSubscription(tx, row, now);
        counts.ended++;
      } else if (row.failNextRenewal) {
        await renew(tx, row, "failed", now);
        counts.renewalsFailed++;
      } else {
        await renew(tx, row, "paid", now);
        counts.renewed++;
      }
    });
  }
  return counts;
}

function dueCondition(now: Date, pastDueCutoff: Date) {
  return or(
    and(inArray(sandboxSubscriptions.status, ["trialing", "active"]), lte(sandboxSubscriptions.currentPeriodEnd, now)),
    and(eq(sandboxSubscriptions.status, "past_due"), lte(sandboxSubscriptions.currentPeriodStart, pastDueCutoff)),
  );
}

/** The sandbox's pages and controls exist only while it is the payments provider (never in a deployment). */
export function requireSandboxMode(env: PaymentsEnv) {
  if (paymentsMode(env).kind !== "sandbox")
    throw new AppError("NOT_FOUND", "Sandbox payments are not in use on this Greenroom.");
}
