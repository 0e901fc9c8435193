import { and, desc, eq, isNotNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { DbOrTx } from "../../../db/client";
import { audienceSubscriptions, connectPayments, tiers } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { connectFeeCents, PLANS } from "../billing/plans";
import {
  connectClient,
  CONNECT_WORKSPACE_KEY,
  requireChargeableAccount,
  workspacePlan,
  type StripeMode,
} from "./connect-accounts";
import type {
  CheckoutRequest,
  CheckoutSession,
  PaymentCheckoutRequest,
  PaymentsProviderApi,
  RefundResult,
  SubscriptionCheckoutRequest,
} from "./provider";
import { loadTierForCheckout } from "./sandbox";

/**
 * The Stripe Connect provider (ADR 025): supporters pay the creator's connected account directly (direct charges,
 * every call with the `Stripe-Account` header), Greenroom takes its per-plan application fee, and every object it
 * creates carries the workspace marker the Connect webhook checks before touching anything.
 */

/** Metadata keys Greenroom reads back from Connect events. */
export const CONNECT_METADATA = {
  workspace: CONNECT_WORKSPACE_KEY,
  tier: "greenroom_tier_id",
  user: "greenroom_user_id",
  /** A one-off payment's `PaymentPurpose`, as JSON. */
  purpose: "greenroom_purpose",
  /** The platform fee of a one-off checkout (minor units), for the ledger's revenue figures. */
  applicationFee: "greenroom_application_fee",
  /** A subscription's platform fee percent; invoices carry a snapshot of the subscription's metadata. */
  applicationFeePercent: "greenroom_application_fee_percent",
} as const;

/** Stripe's shortest and longest Checkout `expires_at`. */
const MIN_CHECKOUT_LIFETIME_MS = 30 * 60 * 1000;
const MAX_CHECKOUT_LIFETIME_MS = 24 * 60 * 60 * 1000;

export function connectProvider(mode: StripeMode): PaymentsProviderApi {
  return {
    provider: "stripe",
    createCheckout: async ({ db, request, now }) =>
      createConnectCheckout({ db, stripe: await connectClient(mode), request, now }),
    createPortal: async ({ db, request }) => {
      const account = await requireChargeableAccount(db, request.workspaceId);
      const [subscription] = await db
        .select({ customerId: audienceSubscriptions.providerCustomerId })
        .from(audienceSubscriptions)
        .where(
          and(
            eq(audienceSubscriptions.workspaceId, request.workspaceId),
            eq(audienceSubscriptions.userId, request.userId),
            eq(audienceSubscriptions.provider, "stripe"),
            eq(audienceSubscriptions.providerAccount, account.stripeAccountId),
            isNotNull(audienceSubscriptions.providerCustomerId),
          ),
        )
        .orderBy(desc(audienceSubscriptions.createdAt))
        .limit(1);
      if (!subscription?.customerId)
        throw new AppError("PRECONDITION_FAILED", "You have no subscription with this creator to manage.");
      const stripe = await connectClient(mode);
      const session = await stripe.billingPortal.sessions.create(
        { customer: subscription.customerId, return_url: request.returnUrl },
        { stripeAccount: account.stripeAccountId },
      );
      return { url: session.url };
    },
    refund: async ({ db, request }) => {
      const [payment] = await db
        .select()
        .from(connectPayments)
        .where(
          and(
            eq(connectPayments.paymentIntentId, request.paymentId),
            eq(connectPayments.workspaceId, request.workspaceId),
          ),
        );
      if (!payment) throw notFound("Payment");
      const left = payment.amountCents - payment.refundedCents;
      const amount = request.amountCents ?? left;
      if (amount <= 0 || amount > left) throw new AppError("BAD_REQUEST", "Nothing left of this payment to refund.");
      const stripe = await connectClient(mode);
      // The caller's key (a retry after a crash) or one naming the refund by what was already refunded when it was
      // asked for: a double click is one refund, while a second partial refund after the first was recorded is new.
      // No `refund_application_fee`: Greenroom keeps the fee it took, so the ledger's fee stays true without following
      // `application_fee.refunded` (ADR 025, addendum 2026-12-06 b).
      const refund = await stripe.refunds.create(
        {
          payment_intent: payment.paymentIntentId,
          amount,
          metadata: { [CONNECT_METADATA.workspace]: request.workspaceId },
        },
        {
          stripeAccount: payment.stripeAccountId,
          idempotencyKey:
            request.idempotencyKey ?? `greenroom-refund-${payment.paymentIntentId}-${payment.refundedCents}-${amount}`,
        },
      );
      return {
        refundId: refund.id,
        amountRefundedCents: refund.amount,
        currency: payment.currency,
      } satisfies RefundResult;
    },
  };
}

async function createConnectCheckout(opts: {
  db: DbOrTx;
  stripe: Stripe;
  request: CheckoutRequest;
  now: Date;
}): Promise<CheckoutSession> {
  const account = await requireChargeableAccount(opts.db, opts.request.workspaceId);
  const plan = await workspacePlan(opts.db, opts.request.workspaceId, opts.now);
  const session =
    opts.request.kind === "subscription"
      ? await subscriptionSession({ ...opts, request: opts.request, accountId: account.stripeAccountId, plan })
      : await paymentSession({ ...opts, request: opts.request, accountId: account.stripeAccountId, plan });
  if (!session.url) throw new Error(`Stripe returned checkout ${session.id} without a URL`);
  return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
}

/** The supporter's Stripe customer on this account from an earlier subscription, so the portal shows them all. */
async function knownCustomer(db: DbOrTx, workspaceId: string, userId: string, accountId: string) {
  const [row] = await db
    .select({ customerId: audienceSubscriptions.providerCustomerId })
    .from(audienceSubscriptions)
    .where(
      and(
        eq(audienceSubscriptions.workspaceId, workspaceId),
        eq(audienceSubscriptions.userId, userId),
        eq(audienceSubscriptions.provider, "stripe"),
        eq(audienceSubscriptions.providerAccount, accountId),
        isNotNull(audienceSubscriptions.providerCustomerId),
      ),
    )
    .orderBy(desc(audienceSubscriptions.createdAt))
    .limit(1);
  return row?.customerId ?? null;
}

async function subscriptionSession(opts: {
  db: DbOrTx;
  stripe: Stripe;
  request: SubscriptionCheckoutRequest;
  accountId: string;
  plan: keyof typeof PLANS;
  now: Date;
}) {
  const { request } = opts;
  const { tier, amount } = await loadTierForCheckout(opts.db, request.workspaceId, request.tierId, request.interval);
  const priceId = await ensureTierPrice({
    db: opts.db,
    stripe: opts.stripe,
    accountId: opts.accountId,
    tier,
    interval: request.interval,
    amountCents: amount,
  });
  const feePercent = PLANS[opts.plan].connectFeePercent;
  const metadata = {
    [CONNECT_METADATA.workspace]: request.workspaceId,
    [CONNECT_METADATA.tier]: tier.id,
    [CONNECT_METADATA.user]: request.userId,
    [CONNECT_METADATA.applicationFeePercent]: String(feePercent),
  };
  const customer = await knownCustomer(opts.db, request.workspaceId, request.userId, opts.accountId);
  return opts.stripe.checkout.sessions.create(
    {
      mode: "subscription",
      line_items: [{ price: priceId, quantity: 1 }],
      ...(customer ? { customer } : { customer_email: request.customerEmail }),
      client_reference_id: request.userId,
      metadata,
      subscription_data: {
        metadata,
        application_fee_percent: feePercent,
        ...(tier.trialDays > 0 && { trial_period_days: tier.trialDays }),
      },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
    },
    { stripeAccount: opts.accountId },
  );
}

async function paymentSession(opts: {
  db: DbOrTx;
  stripe: Stripe;
  request: PaymentCheckoutRequest;
  accountId: string;
  plan: keyof typeof PLANS;
  now: Date;
}) {
  const { request, now } = opts;
  const lifetime = request.expiresAt.getTime() - now.getTime();
  if (lifetime < MIN_CHECKOUT_LIFETIME_MS || lifetime > MAX_CHECKOUT_LIFETIME_MS)
    throw new AppError("BAD_REQUEST", "A checkout must expire between 30 minutes and 24 hours from now.");
  if (!Number.isInteger(request.amountCents) || request.amountCents <= 0)
    throw new AppError("BAD_REQUEST", "A payment must be for a positive amount.");
  const applicationFee = connectFeeCents(opts.plan, request.amountCents);
  const metadata = {
    [CONNECT_METADATA.workspace]: request.workspaceId,
    [CONNECT_METADATA.user]: request.userId,
    [CONNECT_METADATA.purpose]: JSON.stringify(request.purpose),
    [CONNECT_METADATA.applicationFee]: String(applicationFee),
  };
  return opts.stripe.checkout.sessions.create(
    {
      mode: "payment",
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: request.currency.toLowerCase(),
            unit_amount: request.amountCents,
            product_data: { name: request.description },
          },
        },
      ],
      customer_email: request.customerEmail,
      client_reference_id: request.userId,
      metadata,
      payment_intent_data: {
        metadata,
        application_fee_amount: applicationFee,
      },
      expires_at: Math.floor(request.expiresAt.getTime() / 1000),
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
    },
    { stripeAccount: opts.accountId },
  );
}

type TierRow = typeof tiers.$inferSelect;

/**
 * The tier's Price for `interval` on the connected account, created on first checkout and again whenever the tier's
 * amount or currency no longer matches it (Stripe prices are immutable), so a price edit needs no Stripe call.
 * Ids are stored on the tier; a concurrent first checkout may create a spare Price, which is harmless.
 */
export async function ensureTierPrice(opts: {
  db: DbOrTx;
  stripe: Stripe;
  accountId: string;
  tier: TierRow;
  interval: "month" | "year";
  amountCents: number;
}): Promise<string> {
  const { stripe, tier } = opts;
  const onAccount = { stripeAccount: opts.accountId };
  const storedPriceId = opts.interval === "month" ? tier.stripeMonthlyPriceId : tier.stripeYearlyPriceId;
  if (storedPriceId) {
    const price = await retrieveOrNull(() => stripe.prices.retrieve(storedPriceId, {}, onAccount));
    if (
      price?.active &&
      price.unit_amount === opts.amountCents &&
      price.currency === tier.currency.toLowerCase() &&
      price.recurring?.interval === opts.interval
    )
      return price.id;
  }
  const product =
    (tier.stripeProductId &&
      (await retrieveOrNull(() => stripe.products.retrieve(tier.stripeProductId!, {}, onAccount)))) ||
    (await stripe.products.create(
      {
        name: tier.name,
        metadata: { [CONNECT_METADATA.workspace]: tier.workspaceId, [CONNECT_METADATA.tier]: tier.id },
      },
      onAccount,
    ));
  const price = await stripe.prices.create(
    {
      product: product.id,
      currency: tier.currency.toLowerCase(),
      unit_amount: opts.amountCents,
      recurring: { interval: opts.interval },
      metadata: { [CONNECT_METADATA.workspace]: tier.workspaceId, [CONNECT_METADATA.tier]: tier.id },
    },
    onAccount,
  );
  await opts.db
    .update(tiers)
    .set({
      stripeProductId: product.id,
      ...(opts.interval === "month" ? { stripeMonthlyPriceId: price.id } : { stripeYearlyPriceId: price.id }),
    })
    .where(and(eq(tiers.id, tier.id), eq(tiers.workspaceId, tier.workspaceId)));
  return price.id;
}

async function retrieveOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if ((error as { code?: string }).code === "resource_missing") return null;
    throw error;
  }
}
