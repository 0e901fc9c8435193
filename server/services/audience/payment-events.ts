import type { AudienceSubscriptionStatus, PaymentProvider } from "../../../db/schema";

/**
 * A payment provider's event in Greenroom's words (ADR 022). The Stripe Connect webhook and the offline sandbox both
 * translate their events into these and hand them to the one ledger (`applyPaymentEvent` in ./ledger.ts), which
 * records each exactly once by `(provider, eventId)` and changes grants in the same transaction.
 *
 * Events that describe an object's state carry the whole current state (not a delta), so applying the newest one
 * converges whatever order they arrive in.
 */

/** What a checkout or one-off payment was for; set by Greenroom when it creates the checkout, echoed back. */
export type PaymentPurpose =
  | { kind: "tier"; tierId: string; userId: string }
  | { kind: "ticket_order"; orderId: string; userId: string }
  /** `userId` is the giver; the recipient gets the tier for `months` (default 1) from the payment. */
  | { kind: "gift"; tierId: string; userId: string; recipientEmail: string; months?: number };

export interface SubscriptionState {
  id: string;
  customerId: string | null;
  status: AudienceSubscriptionStatus;
  interval: "month" | "year";
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  trialEnd: Date | null;
  amountCents: number;
  currency: string;
  tierId: string;
  userId: string;
}

interface PaymentEventBase {
  provider: PaymentProvider;
  /** The connected account (`acct_…`) or "sandbox". */
  account: string;
  /** The provider's event id: the ledger's idempotency key. */
  eventId: string;
  /** The provider's `created`, Unix seconds: orders state events. */
  created: number;
  /** Resolved from the connected account (never from the event's own metadata alone). */
  workspaceId: string;
}

export type PaymentEvent = PaymentEventBase &
  (
    | { type: "subscription.state"; subscription: SubscriptionState }
    | {
        type: "invoice.paid";
        subscriptionId: string;
        invoiceId: string;
        amountCents: number;
        applicationFeeCents: number;
        currency: string;
        periodEnd: Date;
      }
    | {
        type: "invoice.payment_failed";
        subscriptionId: string;
        invoiceId: string;
        amountCents: number;
        currency: string;
      }
    | {
        type: "payment.succeeded";
        /** Payment intent / charge id of a one-off payment (tickets, gifts). */
        paymentId: string;
        checkoutId: string | null;
        purpose: PaymentPurpose;
        amountCents: number;
        applicationFeeCents: number;
        currency: string;
      }
    | { type: "checkout.expired"; checkoutId: string; purpose: PaymentPurpose }
    | {
        type: "payment.refunded";
        paymentId: string;
        /** Set when the refunded payment paid a subscription's invoice. */
        subscriptionId: string | null;
        amountRefundedCents: number;
        fullyRefunded: boolean;
        currency: string;
      }
    | {
        type: "dispute.state";
        disputeId: string;
        paymentId: string;
        subscriptionId: string | null;
        amountCents: number;
        currency: string;
        status: "open" | "won" | "lost";
      }
  );
