import { and, eq, lte, sql } from "drizzle-orm";
import type Stripe from "stripe";
import * as z from "zod";
import type { Database, Transaction } from "../../../db/client";
import {
  AUDIENCE_SUBSCRIPTION_STATUSES,
  connectedAccounts,
  connectPayments,
  grants,
  stripeEvents,
  type AudienceSubscriptionStatus,
  type StripeEventOutcome,
} from "../../../db/schema";
import type { PaymentEvent, PaymentPurpose, SubscriptionState } from "../audience/payment-events";
import { accountColumns, type ConnectedAccount } from "./connect-accounts";
import { mirrorConnectInvoice } from "./connect-invoicing";
import { CONNECT_METADATA } from "./connect-provider";
import { applyPaymentEvent } from "./ledger-entry";

/**
 * The Connect webhook (ADR 025): events of creators' connected accounts (they carry `account`), verified with the
 * Connect endpoint's own secret, recorded once in `stripe_events`, and translated into `PaymentEvent`s for the one
 * ledger. The workspace comes from the connected account Greenroom created for it; an object is touched only when it
 * carries Greenroom's workspace marker for that same workspace (creators sell other things on their accounts too).
 */

export const CONNECT_EVENT_TYPES = [
  "account.updated",
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.expired",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
  "invoice.finalized",
  "invoice.sent",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "charge.refunded",
  "charge.dispute.created",
  "charge.dispute.updated",
  "charge.dispute.closed",
] as const;

const isHandled = (type: string) => (CONNECT_EVENT_TYPES as readonly string[]).includes(type);

export type ConnectWebhookResult =
  | { outcome: "processed" | "ignored"; detail: string; workspaceId: string | null }
  | { outcome: "duplicate" }
  | { outcome: "unhandled" };

interface Translated {
  outcome: Extract<StripeEventOutcome, "processed" | "ignored">;
  detail: string;
}
const ignored = (detail: string): Translated => ({ outcome: "ignored", detail });

/**
 * Applies one verified Connect event exactly once, as billing's webhook does (ADR 009): the `stripe_events` row is
 * claimed in the transaction of the change, so a concurrent duplicate waits on its key and then finds it; a failed
 * event stays re-claimable for Stripe's retry.
 */
export async function handleConnectEvent(opts: {
  db: Database;
  stripe: Stripe;
  event: Stripe.Event;
  now: Date;
}): Promise<ConnectWebhookResult> {
  const { db, event, now } = opts;
  if (!isHandled(event.type)) return { outcome: "unhandled" };
  const account = event.account ?? null;
  try {
    return await db.transaction(async (tx) => {
      const claimed = await tx
        .insert(stripeEvents)
        .values({
          id: event.id,
          type: event.type,
          created: event.created,
          account,
          receivedAt: now,
          outcome: "processing",
        })
        .onConflictDoUpdate({
          target: stripeEvents.id,
          set: { outcome: "processing", receivedAt: now, detail: null, attempts: sql`${stripeEvents.attempts} + 1` },
          setWhere: sql`${stripeEvents.outcome} = 'failed'`,
        })
        .returning({ id: stripeEvents.id });
      if (claimed.length === 0) return { outcome: "duplicate" } as const;

      const [connected] = account
        ? await tx.select().from(connectedAccounts).where(eq(connectedAccounts.stripeAccountId, account))
        : [];
      const result = connected
        ? await translate({ tx, stripe: opts.stripe, event, connected, now })
        : ignored(account ? "account not connected through Greenroom" : "not a connected account's event");
      const workspaceId = connected?.workspaceId ?? null;
      await tx
        .update(stripeEvents)
        .set({ outcome: result.outcome, detail: result.detail, workspaceId, processedAt: now })
        .where(eq(stripeEvents.id, event.id));
      return { ...result, workspaceId };
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    await db
      .insert(stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        created: event.created,
        account,
        receivedAt: now,
        outcome: "failed",
        detail,
      })
      .onConflictDoUpdate({
        target: stripeEvents.id,
        set: { detail, processedAt: now },
        setWhere: sql`${stripeEvents.outcome} = 'failed'`,
      });
    throw error;
  }
}

interface Context {
  tx: Transaction;
  stripe: Stripe;
  event: Stripe.Event;
  connected: ConnectedAccount;
  now: Date;
}

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === "string" ? value : (value?.id ?? null);

/** Greenroom made it, for this workspace. */
const ours = (ctx: Context, metadata: Stripe.Metadata | null | undefined) =>
  metadata?.[CONNECT_METADATA.workspace] === ctx.connected.workspaceId;

async function translate(ctx: Context): Promise<Translated> {
  const { event } = ctx;
  switch (event.type) {
    case "account.updated":
      return accountUpdated(ctx, event.data.object);
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return checkoutCompleted(ctx, event.data.object);
    case "checkout.session.expired":
      return checkoutExpired(ctx, event.data.object);
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      return subscriptionChanged(ctx, event.data.object.id);
    case "invoice.paid":
    case "invoice.payment_failed":
    case "invoice.finalized":
    case "invoice.sent":
    case "invoice.voided":
    case "invoice.marked_uncollectible":
      return invoiceEvent(ctx, event.data.object);
    case "charge.refunded":
      return chargeRefunded(ctx, event.data.object);
    case "charge.dispute.created":
    case "charge.dispute.updated":
    case "charge.dispute.closed":
      return disputeChanged(ctx, event.data.object);
    default:
      return ignored("not a Connect event Greenroom acts on");
  }
}

/** The ledger entry a delivery writes: its own, or one on behalf of an event still on its way (see `paymentFor`). */
interface Entry {
  eventId: string;
  created: number;
}
const ownEntry = (ctx: Context): Entry => ({ eventId: ctx.event.id, created: ctx.event.created });

/** Hands the translated event to the ledger, inside this delivery's transaction. */
async function toLedger(
  ctx: Context,
  body: DistributiveOmit<PaymentEvent, keyof Base>,
  entry: Entry = ownEntry(ctx),
): Promise<Translated> {
  const event = {
    provider: "stripe",
    account: ctx.connected.stripeAccountId,
    eventId: entry.eventId,
    created: entry.created,
    workspaceId: ctx.connected.workspaceId,
    ...body,
  } as PaymentEvent;
  const result = await applyPaymentEvent({ db: ctx.tx, event, now: ctx.now });
  if (result.duplicate) return ignored("already in the ledger");
  return { outcome: result.outcome === "applied" ? "processed" : "ignored", detail: result.detail ?? event.type };
}
type Base = Pick<PaymentEvent, "provider" | "account" | "eventId" | "created" | "workspaceId">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

async function accountUpdated(ctx: Context, account: Stripe.Account): Promise<Translated> {
  if (account.id !== ctx.connected.stripeAccountId) return ignored("event about another account");
  const updated = await ctx.tx
    .update(connectedAccounts)
    .set({ ...accountColumns(account), updatedFromEventCreated: ctx.event.created, updatedAt: ctx.now })
    .where(
      and(
        eq(connectedAccounts.workspaceId, ctx.connected.workspaceId),
        lte(connectedAccounts.updatedFromEventCreated, ctx.event.created),
      ),
    )
    .returning({ chargesEnabled: connectedAccounts.chargesEnabled });
  if (updated.length === 0) return ignored("older than the account state already applied");
  return { outcome: "processed", detail: `charges ${updated[0]!.chargesEnabled ? "enabled" : "disabled"}` };
}

const ZPurpose = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("tier"), tierId: z.string(), userId: z.string() }),
  z.object({ kind: z.literal("ticket_order"), orderId: z.string(), userId: z.string() }),
  z.object({
    kind: z.literal("gift"),
    tierId: z.string(),
    userId: z.string(),
    recipientEmail: z.string(),
    months: z.number().int().positive().optional(),
  }),
]);

/** A one-off payment's purpose, from the metadata Greenroom gave its checkout and its payment intent. */
function paymentPurpose(metadata: Stripe.Metadata | null | undefined): PaymentPurpose | null {
  try {
    const parsed = ZPurpose.safeParse(JSON.parse(metadata?.[CONNECT_METADATA.purpose] ?? "null"));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What a checkout was for, from the metadata Greenroom gave it. */
function purposeOf(session: Stripe.Checkout.Session): PaymentPurpose | null {
  if (session.mode !== "subscription") return paymentPurpose(session.metadata);
  const tierId = session.metadata?.[CONNECT_METADATA.tier];
  const userId = session.metadata?.[CONNECT_METADATA.user];
  return tierId && userId ? { kind: "tier", tierId, userId } : null;
}

const onAccount = (ctx: Context) => ({ stripeAccount: ctx.connected.stripeAccountId });

async function retrieveOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if ((error as { code?: string }).code === "resource_missing") return null;
    throw error;
  }
}

/**
 * The payment intent and its charge as Stripe holds them on the connected account. The charge says what Stripe
 * actually took as Greenroom's fee (`application_fee_amount`), which is what the ledger records, not what was asked.
 */
async function readPayment(ctx: Context, paymentIntentId: string) {
  const paymentIntent = await retrieveOrNull(() =>
    ctx.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] }, onAccount(ctx)),
  );
  const charge =
    paymentIntent?.latest_charge && typeof paymentIntent.latest_charge === "object"
      ? paymentIntent.latest_charge
      : null;
  return { paymentIntent, charge, feeTakenCents: charge?.application_fee_amount ?? 0 };
}

async function checkoutCompleted(ctx: Context, session: Stripe.Checkout.Session): Promise<Translated> {
  if (!ours(ctx, session.metadata)) return ignored("checkout not created by Greenroom");
  if (session.mode === "subscription") {
    const subscriptionId = idOf(session.subscription);
    return subscriptionId ? subscriptionChanged(ctx, subscriptionId) : ignored("no subscription");
  }
  if (session.payment_status !== "paid") return ignored("payment not settled yet");
  const purpose = purposeOf(session);
  const paymentIntentId = idOf(session.payment_intent);
  if (!purpose || !paymentIntentId) return ignored("checkout without a purpose or payment");
  const { feeTakenCents } = await readPayment(ctx, paymentIntentId);
  return recordOneOffPayment(ctx, {
    paymentIntentId,
    checkoutId: session.id,
    purpose,
    amountCents: session.amount_total ?? 0,
    currency: session.currency ?? "usd",
    applicationFeeCents: feeTakenCents,
    entry: ownEntry(ctx),
  });
}

/**
 * Records a one-off payment once, whichever delivery learns of it first (its checkout's completion, or a refund or
 * dispute that overtook it): inserting the `connect_payments` row is the claim, and only the delivery that inserts
 * it hands the payment to the ledger, so its money and its grants count once.
 */
async function recordOneOffPayment(
  ctx: Context,
  p: {
    paymentIntentId: string;
    checkoutId: string | null;
    purpose: PaymentPurpose;
    amountCents: number;
    currency: string;
    applicationFeeCents: number;
    entry: Entry;
  },
): Promise<Translated> {
  const claimed = await ctx.tx
    .insert(connectPayments)
    .values({
      paymentIntentId: p.paymentIntentId,
      workspaceId: ctx.connected.workspaceId,
      stripeAccountId: ctx.connected.stripeAccountId,
      checkoutId: p.checkoutId,
      purpose: p.purpose,
      amountCents: p.amountCents,
      currency: p.currency,
      createdAt: ctx.now,
    })
    .onConflictDoNothing()
    .returning({ id: connectPayments.paymentIntentId });
  if (claimed.length === 0) return ignored("payment already recorded");
  return toLedger(
    ctx,
    {
      type: "payment.succeeded",
      paymentId: p.paymentIntentId,
      checkoutId: p.checkoutId,
      purpose: p.purpose,
      amountCents: p.amountCents,
      applicationFeeCents: p.applicationFeeCents,
      currency: p.currency,
    },
    p.entry,
  );
}

async function checkoutExpired(ctx: Context, session: Stripe.Checkout.Session): Promise<Translated> {
  if (!ours(ctx, session.metadata)) return ignored("checkout not created by Greenroom");
  const purpose = purposeOf(session);
  if (!purpose) return ignored("checkout without a purpose");
  return toLedger(ctx, { type: "checkout.expired", checkoutId: session.id, purpose });
}

/**
 * Any subscription event means "this subscription may have changed": it is re-read from the connected account (as
 * billing does, ADR 009) and its current state goes to the ledger stamped with the event's `created`, so the newest
 * delivery wins and older ones are recorded as ignored.
 */
async function subscriptionChanged(
  ctx: Context,
  subscriptionId: string,
  entry: Entry = ownEntry(ctx),
): Promise<Translated> {
  const subscription = await retrieveOrNull(() =>
    ctx.stripe.subscriptions.retrieve(subscriptionId, {}, onAccount(ctx)),
  );
  if (!subscription) return ignored("subscription does not exist at Stripe");
  if (!ours(ctx, subscription.metadata)) return ignored("subscription not created by Greenroom");
  const state = subscriptionState(subscription);
  if (!state) return ignored("subscription without Greenroom's tier and person");
  return toLedger(ctx, { type: "subscription.state", subscription: state }, entry);
}

function subscriptionState(subscription: Stripe.Subscription): SubscriptionState | null {
  const tierId = subscription.metadata[CONNECT_METADATA.tier];
  const userId = subscription.metadata[CONNECT_METADATA.user];
  const item = subscription.items.data[0];
  if (!tierId || !userId || !item) return null;
  const status = (AUDIENCE_SUBSCRIPTION_STATUSES as readonly string[]).includes(subscription.status)
    ? (subscription.status as AudienceSubscriptionStatus)
    : "incomplete";
  return {
    id: subscription.id,
    customerId: idOf(subscription.customer),
    status,
    interval: item.price.recurring?.interval === "year" ? "year" : "month",
    currentPeriodEnd: item.current_period_end ? new Date(item.current_period_end * 1000) : null,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    trialEnd: subscription.trial_end ? new Date(subscription.trial_end * 1000) : null,
    amountCents: item.price.unit_amount ?? 0,
    currency: item.price.currency,
    tierId,
    userId,
  };
}

/** A subscription's invoice goes to the ledger; an invoice Greenroom issued for a campaign mirrors its status. */
async function invoiceEvent(ctx: Context, invoice: Stripe.Invoice): Promise<Translated> {
  const details = invoice.parent?.subscription_details;
  const subscriptionId = idOf(details?.subscription);
  if (!subscriptionId) return mirrorConnectInvoice({ ...ctx, invoice });
  if (!ours(ctx, details?.metadata)) return ignored("subscription not created by Greenroom");
  const invoiceId = invoice.id ?? "";
  if (ctx.event.type === "invoice.payment_failed") {
    return toLedger(ctx, {
      type: "invoice.payment_failed",
      subscriptionId,
      invoiceId,
      amountCents: invoice.amount_due,
      currency: invoice.currency,
    });
  }
  if (ctx.event.type !== "invoice.paid") return ignored("subscription invoice status");
  // The payment the invoice was paid by, so its refunds and disputes find the subscription.
  const full = await ctx.stripe.invoices.retrieve(invoiceId, { expand: ["payments"] }, onAccount(ctx));
  const paymentIntentId = idOf(full.payments?.data.find((p) => p.status === "paid")?.payment.payment_intent);
  const feeTakenCents = paymentIntentId ? (await readPayment(ctx, paymentIntentId)).feeTakenCents : 0;
  return recordInvoicePayment(ctx, {
    invoice,
    subscriptionId,
    paymentIntentId,
    feeTakenCents,
    entry: ownEntry(ctx),
  });
}

/**
 * Records a subscription invoice's payment once, whichever delivery learns of it first (`invoice.paid`, or a refund
 * or dispute of its charge that overtook it), as `recordOneOffPayment` does. An invoice paid without a payment (a
 * trial's zero invoice) has nothing to claim and goes to the ledger, which dedupes it by event.
 */
async function recordInvoicePayment(
  ctx: Context,
  p: {
    invoice: Stripe.Invoice;
    subscriptionId: string;
    paymentIntentId: string | null;
    feeTakenCents: number;
    entry: Entry;
  },
): Promise<Translated> {
  const { invoice } = p;
  if (p.paymentIntentId) {
    const claimed = await ctx.tx
      .insert(connectPayments)
      .values({
        paymentIntentId: p.paymentIntentId,
        workspaceId: ctx.connected.workspaceId,
        stripeAccountId: ctx.connected.stripeAccountId,
        subscriptionId: p.subscriptionId,
        amountCents: invoice.amount_paid,
        currency: invoice.currency,
        createdAt: ctx.now,
      })
      .onConflictDoNothing()
      .returning({ id: connectPayments.paymentIntentId });
    if (claimed.length === 0) return ignored("payment already recorded");
  }
  const periodEnd = invoice.lines.data.reduce((latest, line) => Math.max(latest, line.period.end), invoice.period_end);
  return toLedger(
    ctx,
    {
      type: "invoice.paid",
      subscriptionId: p.subscriptionId,
      invoiceId: invoice.id ?? "",
      amountCents: invoice.amount_paid,
      applicationFeeCents: p.feeTakenCents,
      currency: invoice.currency,
      periodEnd: new Date(periodEnd * 1000),
    },
    p.entry,
  );
}

type ConnectPayment = typeof connectPayments.$inferSelect;

/** The payment Greenroom recorded, locked: refunds and disputes of one payment apply one at a time. */
async function lockPayment(ctx: Context, paymentIntentId: string): Promise<ConnectPayment | null> {
  const [payment] = await ctx.tx
    .select()
    .from(connectPayments)
    .where(
      and(
        eq(connectPayments.paymentIntentId, paymentIntentId),
        eq(connectPayments.workspaceId, ctx.connected.workspaceId),
      ),
    )
    .for("update");
  return payment ?? null;
}

/**
 * The payment a refund or dispute is about, locked, and recorded first if its own event has not arrived yet: Stripe
 * may deliver `charge.refunded` or `charge.dispute.*` before the `invoice.paid` or `checkout.session.completed` of
 * the same payment. Such a payment is re-read from the connected account and recognised as Greenroom's by the
 * marker Greenroom put on it: a one-off payment's intent carries it (`payment_intent_data.metadata`), a subscription
 * invoice's payment is found through its invoice, whose subscription carries it. Greenroom's is then recorded
 * exactly as its own event would have (same `connect_payments` row, same ledger entry, keyed `<this event>:payment`),
 * and the later event finds it recorded. Anything else on the account is not Greenroom's: null.
 */
async function paymentFor(ctx: Context, paymentIntentId: string | null): Promise<ConnectPayment | null> {
  if (!paymentIntentId) return null;
  const known = await lockPayment(ctx, paymentIntentId);
  if (known) return known;
  const { paymentIntent, charge, feeTakenCents } = await readPayment(ctx, paymentIntentId);
  if (!paymentIntent) return null;
  const entry = { eventId: `${ctx.event.id}:payment`, created: charge?.created ?? paymentIntent.created };
  if (ours(ctx, paymentIntent.metadata)) {
    const purpose = paymentPurpose(paymentIntent.metadata);
    if (!purpose) return null;
    const sessions = await ctx.stripe.checkout.sessions.list(
      { payment_intent: paymentIntentId, limit: 1 },
      onAccount(ctx),
    );
    await recordOneOffPayment(ctx, {
      paymentIntentId,
      checkoutId: sessions.data[0]?.id ?? null,
      purpose,
      amountCents: paymentIntent.amount_received || paymentIntent.amount,
      currency: paymentIntent.currency,
      applicationFeeCents: feeTakenCents,
      entry,
    });
  } else {
    const invoicePayments = await ctx.stripe.invoicePayments.list(
      {
        payment: { type: "payment_intent", payment_intent: paymentIntentId },
        status: "paid",
        expand: ["data.invoice"],
      },
      onAccount(ctx),
    );
    const invoice = invoicePayments.data
      .map((payment) => payment.invoice)
      .find((candidate): candidate is Stripe.Invoice => typeof candidate === "object" && !candidate.deleted);
    const details = invoice?.parent?.subscription_details;
    const subscriptionId = idOf(details?.subscription);
    if (!invoice || !subscriptionId || !ours(ctx, details?.metadata)) return null;
    await recordInvoicePayment(ctx, { invoice, subscriptionId, paymentIntentId, feeTakenCents, entry });
  }
  // Recorded now, or by a concurrent delivery that claimed it first (our insert waited for it, then did nothing).
  return lockPayment(ctx, paymentIntentId);
}

/**
 * A refund or dispute of a subscription's payment ends the subscription's grant, so the grant must exist first: if
 * the subscription's own events have not been applied yet, its current state is read and applied now (as any of its
 * events would), stamped with this delivery's `created`. A state event delivered later cannot reopen a grant a
 * refund or dispute ended (ADR 022).
 */
async function ensureSubscriptionApplied(ctx: Context, subscriptionId: string) {
  const [grant] = await ctx.tx
    .select({ id: grants.id })
    .from(grants)
    .where(
      and(
        eq(grants.workspaceId, ctx.connected.workspaceId),
        eq(grants.source, "subscription"),
        eq(grants.sourceRef, subscriptionId),
      ),
    )
    .limit(1);
  if (!grant)
    await subscriptionChanged(ctx, subscriptionId, { ...ownEntry(ctx), eventId: `${ctx.event.id}:subscription` });
}

/**
 * `amount_refunded` is the charge's cumulative total, so each delivery contributes only what goes beyond the total
 * already handed to the ledger: a duplicate, or an older snapshot delivered after a newer one, adds nothing, and
 * two partial refunds delivered in either order add up to exactly what was refunded.
 */
async function chargeRefunded(ctx: Context, charge: Stripe.Charge): Promise<Translated> {
  const payment = await paymentFor(ctx, idOf(charge.payment_intent));
  if (!payment) return ignored("not a payment Greenroom took");
  const delta = charge.amount_refunded - payment.refundedCents;
  if (delta <= 0) return ignored("refund already counted");
  await ctx.tx
    .update(connectPayments)
    .set({ refundedCents: charge.amount_refunded })
    .where(eq(connectPayments.paymentIntentId, payment.paymentIntentId));
  if (payment.subscriptionId) await ensureSubscriptionApplied(ctx, payment.subscriptionId);
  return toLedger(ctx, {
    type: "payment.refunded",
    paymentId: payment.paymentIntentId,
    subscriptionId: payment.subscriptionId,
    amountRefundedCents: delta,
    fullyRefunded: charge.refunded || charge.amount_refunded >= charge.amount,
    currency: charge.currency,
  });
}

function disputeStatus(status: Stripe.Dispute.Status): "open" | "won" | "lost" {
  if (status === "won" || status === "warning_closed") return "won";
  if (status === "lost") return "lost";
  return "open";
}

/** Dispute events carry the dispute's whole state; the newest applied one wins. */
async function disputeChanged(ctx: Context, dispute: Stripe.Dispute): Promise<Translated> {
  const payment = await paymentFor(ctx, idOf(dispute.payment_intent));
  if (!payment) return ignored("not a payment Greenroom took");
  if (ctx.event.created < payment.disputeEventCreated) return ignored("older than the dispute state already applied");
  await ctx.tx
    .update(connectPayments)
    .set({ disputeEventCreated: ctx.event.created })
    .where(eq(connectPayments.paymentIntentId, payment.paymentIntentId));
  if (payment.subscriptionId) await ensureSubscriptionApplied(ctx, payment.subscriptionId);
  return toLedger(ctx, {
    type: "dispute.state",
    disputeId: dispute.id,
    paymentId: payment.paymentIntentId,
    subscriptionId: payment.subscriptionId,
    amountCents: dispute.amount,
    currency: dispute.currency,
    status: disputeStatus(dispute.status),
  });
}
