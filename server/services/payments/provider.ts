import type { DbOrTx } from "../../../db/client";
import type { PaymentProvider } from "../../../db/schema";
import { isLocalEnvironment } from "../../config/environments";
import type { PaymentPurpose } from "../audience/payment-events";

/**
 * How supporters pay creators (ADR 025). One interface, two providers: Stripe Connect (direct charges on the
 * creator's connected account) and the offline sandbox. Both report what happened as `PaymentEvent`s to the one
 * ledger (server/services/audience/ledger.ts), so grants never depend on which provider took the money.
 */

/** A supporter subscribing to a paid tier: the provider loads the tier (in `workspaceId`) and its price. */
export interface SubscriptionCheckoutRequest {
  kind: "subscription";
  workspaceId: string;
  userId: string;
  customerEmail: string;
  tierId: string;
  interval: "month" | "year";
  /** Absolute URLs the buyer returns to. */
  successUrl: string;
  cancelUrl: string;
}

/** A one-off payment (a ticket order, a gift): the caller says what it is for and how long the offer holds. */
export interface PaymentCheckoutRequest {
  kind: "payment";
  workspaceId: string;
  userId: string;
  customerEmail: string;
  purpose: PaymentPurpose;
  /** The line the buyer sees, e.g. "2 × General admission — Live taping". */
  description: string;
  amountCents: number;
  currency: string;
  /**
   * When the checkout stops accepting payment (Stripe's `expires_at`: 30 minutes to 24 hours ahead). A hold taken
   * for it should last at least as long; expiry is reported as a `checkout.expired` event.
   */
  expiresAt: Date;
  successUrl: string;
  cancelUrl: string;
}

export type CheckoutRequest = SubscriptionCheckoutRequest | PaymentCheckoutRequest;

export interface CheckoutSession {
  /** The provider's checkout id (`cs_…` or `sbcs_…`); echoed in `payment.succeeded` and `checkout.expired`. */
  id: string;
  /** Where to send the buyer's browser. */
  url: string;
  expiresAt: Date;
}

export interface PortalRequest {
  workspaceId: string;
  userId: string;
  /** Absolute URL the portal links back to. */
  returnUrl: string;
}

export interface RefundRequest {
  workspaceId: string;
  /** The payment id from `payment.succeeded` / the ledger (a payment intent or charge, or `sbpay_…`). */
  paymentId: string;
  /** Minor units; omitted refunds whatever is left of the payment. */
  amountCents?: number;
  /** Who asked, for the audit row; null for the system (e.g. a late ticket payment after its hold expired). */
  actorUserId: string | null;
  /**
   * The same key asks for the same refund once (Stripe's `Idempotency-Key`): a caller that crashed after the
   * provider refunded but before it recorded so asks again with the same key and gets the first refund back.
   */
  idempotencyKey?: string;
}

export interface RefundResult {
  refundId: string;
  amountRefundedCents: number;
  /** The payment's currency, so the refund can be written as an amount ("$15.00"). */
  currency: string;
}

export interface PaymentsProviderApi {
  readonly provider: PaymentProvider;
  createCheckout(opts: { db: DbOrTx; request: CheckoutRequest; now: Date }): Promise<CheckoutSession>;
  /** Where a supporter manages their subscriptions with this creator (payment method, cancel). */
  createPortal(opts: { db: DbOrTx; request: PortalRequest; now: Date }): Promise<{ url: string }>;
  /**
   * Asks for a refund. The ledger learns of it through the provider's `payment.refunded` event (the sandbox emits it
   * at once; Stripe's arrives by webhook), never from this call's return value.
   */
  refund(opts: { db: DbOrTx; request: RefundRequest; now: Date }): Promise<RefundResult>;
}

/** What the payments configuration needs of the environment. */
export interface PaymentsEnv {
  ENVIRONMENT: string;
  STRIPE_SECRET_KEY?: string;
  /** Signing secret of the Connect webhook endpoint (`/api/webhooks/stripe-connect`), separate from billing's. */
  STRIPE_CONNECT_WEBHOOK_SECRET?: string;
  STRIPE_API_URL?: string;
}

export type PaymentsMode =
  | { kind: "stripe"; secretKey: string; webhookSecret: string; apiUrl?: string }
  | { kind: "sandbox" }
  /** A deployment without Stripe Connect keys: nobody can pay, and nothing pretends they did. */
  | { kind: "off" };

/**
 * Closed by default (ADR 014): Stripe Connect when both its secret key and its webhook secret are set (one without
 * the other cannot verify what it charges); otherwise the sandbox, but only in a local environment. A deployment
 * must never hand out paid grants for pretend money, so there payments are off until Stripe is configured.
 */
export function paymentsMode(env: PaymentsEnv): PaymentsMode {
  if (env.STRIPE_SECRET_KEY && env.STRIPE_CONNECT_WEBHOOK_SECRET) {
    return {
      kind: "stripe",
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_CONNECT_WEBHOOK_SECRET,
      apiUrl: env.STRIPE_API_URL,
    };
  }
  return isLocalEnvironment(env.ENVIRONMENT) ? { kind: "sandbox" } : { kind: "off" };
}
