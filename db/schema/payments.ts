import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { PaymentPurpose } from "../../server/services/audience/payment-events";
import { users } from "./auth";
import { tiers } from "./audience";
import { workspaces } from "./workspaces";

/**
 * The offline payment provider's own state (ADR 025). With no Stripe keys, local Greenroom runs a sandbox that keeps
 * what Stripe would keep (checkout sessions, subscriptions, payments) in these `sandbox_` tables and emits the same
 * `PaymentEvent`s into the one ledger, so grants change through the same code as with Stripe. Nothing here is read
 * by access decisions: grants are.
 */

export const SANDBOX_CHECKOUT_STATUSES = ["open", "completed", "declined", "expired"] as const;
export type SandboxCheckoutStatus = (typeof SANDBOX_CHECKOUT_STATUSES)[number];

/** A checkout the supporter confirms or declines on `/sandbox/checkout/:id`, as they would on Stripe's page. */
export const sandboxCheckoutSessions = pgTable(
  "sandbox_checkout_sessions",
  {
    /** `sbcs_…`, shown in the URL; unguessable, and only its buyer may open it. */
    id: text("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    mode: text("mode", { enum: ["subscription", "payment"] }).notNull(),
    purpose: jsonb("purpose").$type<PaymentPurpose>().notNull(),
    /** What the page shows the buyer. */
    description: text("description").notNull(),
    /** mode = subscription. */
    tierId: uuid("tier_id").references(() => tiers.id, { onDelete: "restrict" }),
    interval: text("interval", { enum: ["month", "year"] }),
    trialDays: integer("trial_days").notNull().default(0),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: SANDBOX_CHECKOUT_STATUSES }).notNull().default("open"),
    successUrl: text("success_url").notNull(),
    cancelUrl: text("cancel_url").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    subscriptionId: text("subscription_id"),
    paymentId: text("payment_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [
    index("sandbox_checkout_sessions_open_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'open'`),
    index("sandbox_checkout_sessions_workspace_idx").on(t.workspaceId, t.createdAt),
  ],
);

export const SANDBOX_SUBSCRIPTION_STATUSES = ["trialing", "active", "past_due", "canceled"] as const;
export type SandboxSubscriptionStatus = (typeof SANDBOX_SUBSCRIPTION_STATUSES)[number];

/** A sandbox subscription; the renewal cron moves it on at `current_period_end`, as Stripe's billing would. */
export const sandboxSubscriptions = pgTable(
  "sandbox_subscriptions",
  {
    /** `sbsub_…` */
    id: text("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tierId: uuid("tier_id")
      .notNull()
      .references(() => tiers.id, { onDelete: "restrict" }),
    /** `sbcus_…`, one per buyer and workspace, as a Stripe customer on the connected account. */
    customerId: text("customer_id").notNull(),
    interval: text("interval", { enum: ["month", "year"] }).notNull(),
    status: text("status", { enum: SANDBOX_SUBSCRIPTION_STATUSES }).notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    currentPeriodStart: timestamp("current_period_start", { withTimezone: true }).notNull(),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }).notNull(),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    trialEnd: timestamp("trial_end", { withTimezone: true }),
    /** Set from the sandbox controls: the next renewal's payment fails (Stripe's declined card). */
    failNextRenewal: boolean("fail_next_renewal").notNull().default(false),
    canceledAt: timestamp("canceled_at", { withTimezone: true }),
    /**
     * `created` (Unix seconds) of the last event emitted about it. The next one is at least one second later, so the
     * ledger's newest-state-wins ordering holds even for actions within one second (or under a frozen test clock).
     */
    lastEventCreated: bigint("last_event_created", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sandbox_subscriptions_due_idx")
      .on(t.currentPeriodEnd)
      .where(sql`${t.status} <> 'canceled'`),
    index("sandbox_subscriptions_workspace_idx").on(t.workspaceId, t.createdAt),
    index("sandbox_subscriptions_user_idx").on(t.userId),
  ],
);

export const SANDBOX_DISPUTE_STATUSES = ["open", "won", "lost"] as const;
export type SandboxDisputeStatus = (typeof SANDBOX_DISPUTE_STATUSES)[number];

/** One charge: a subscription invoice's payment or a one-off payment (tickets, gifts), with refunds and a dispute. */
export const sandboxPayments = pgTable(
  "sandbox_payments",
  {
    /** `sbpay_…` */
    id: text("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** Set for a subscription's invoice payment. */
    subscriptionId: text("subscription_id"),
    /** `sbin_…` for an invoice payment. */
    invoiceId: text("invoice_id"),
    checkoutId: text("checkout_id"),
    /** One-off payments: what it paid for. */
    purpose: jsonb("purpose").$type<PaymentPurpose>(),
    status: text("status", { enum: ["succeeded", "failed"] }).notNull(),
    amountCents: integer("amount_cents").notNull(),
    refundedCents: integer("refunded_cents").notNull().default(0),
    /** Idempotency keys of the refunds asked so far and each one's refund (Stripe keeps these for 24 hours). */
    refundKeys: jsonb("refund_keys")
      .$type<Record<string, { refundId: string; amountCents: number }>>()
      .notNull()
      .default({}),
    currency: text("currency").notNull(),
    /** `sbdp_…` */
    disputeId: text("dispute_id"),
    disputeStatus: text("dispute_status", { enum: SANDBOX_DISPUTE_STATUSES }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sandbox_payments_workspace_idx").on(t.workspaceId, t.createdAt),
    index("sandbox_payments_subscription_idx").on(t.subscriptionId),
  ],
);

/**
 * A workspace's Stripe Connect account (ADR 025): one per workspace, created by Greenroom through onboarding, and
 * kept in step with Stripe by `account.updated` (only a newer event than the one applied changes it). Checkout is
 * offered only while `charges_enabled`.
 */
export const connectedAccounts = pgTable("connected_accounts", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  /** `acct_…`; the webhook resolves the workspace from it, never from an event's metadata alone. */
  stripeAccountId: text("stripe_account_id").notNull().unique(),
  chargesEnabled: boolean("charges_enabled").notNull().default(false),
  payoutsEnabled: boolean("payouts_enabled").notNull().default(false),
  detailsSubmitted: boolean("details_submitted").notNull().default(false),
  requirementsCurrentlyDue: jsonb("requirements_currently_due").$type<string[]>().notNull().default([]),
  requirementsPastDue: jsonb("requirements_past_due").$type<string[]>().notNull().default([]),
  disabledReason: text("disabled_reason"),
  /** `created` of the last `account.updated` applied; older deliveries change nothing. */
  updatedFromEventCreated: bigint("updated_from_event_created", { mode: "number" }).notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Payments Greenroom took on a connected account (a one-off checkout's payment intent, or a subscription invoice's),
 * so refunds and disputes, which name only the payment, find what it paid for. `refunded_cents` is the cumulative
 * total already handed to the ledger: `charge.refunded` carries Stripe's cumulative `amount_refunded`, and only the
 * part beyond this becomes a refund event (duplicates and late, older deliveries add nothing).
 */
export const connectPayments = pgTable(
  "connect_payments",
  {
    /** `pi_…` */
    paymentIntentId: text("payment_intent_id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    stripeAccountId: text("stripe_account_id").notNull(),
    /** Set when it paid a subscription's invoice. */
    subscriptionId: text("subscription_id"),
    checkoutId: text("checkout_id"),
    purpose: jsonb("purpose").$type<PaymentPurpose>(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    refundedCents: integer("refunded_cents").notNull().default(0),
    /** `created` of the last dispute event applied, so a late `charge.dispute.created` cannot reopen a closed one. */
    disputeEventCreated: bigint("dispute_event_created", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("connect_payments_workspace_idx").on(t.workspaceId, t.createdAt)],
);
