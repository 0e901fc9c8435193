import {
  bigint,
  boolean,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { workspaces } from "./workspaces";

/** Subscription states as Stripe reports them, plus "none" for a workspace that never subscribed. */
export const BILLING_STATUSES = [
  "none",
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "canceled",
  "unpaid",
  "paused",
] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];

export const BILLING_PLANS = ["free", "creator", "pro"] as const;

/**
 * One row per workspace that has (had) a Stripe customer or a plan set locally; no row means Free. It mirrors
 * Stripe's current subscription state; the effective plan is derived from plan + status + grace
 * (server/services/billing/accounts.ts). Usage records for quotas will reference workspace_id, not this row.
 */
export const billingAccounts = pgTable("billing_accounts", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  /** The plan the subscription is for (or the plan set by scripts/set-plan.ts locally). */
  plan: text("plan", { enum: BILLING_PLANS }).notNull().default("free"),
  status: text("status", { enum: BILLING_STATUSES }).notNull().default("none"),
  stripeCustomerId: text("stripe_customer_id").unique(),
  stripeSubscriptionId: text("stripe_subscription_id").unique(),
  currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
  cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
  /** While past_due, the paid plan still applies until this moment. */
  graceUntil: timestamp("grace_until", { withTimezone: true }),
  /** When the first paid checkout provisioned the workspace (plan, default show, welcome email); set once. */
  provisionedAt: timestamp("provisioned_at", { withTimezone: true }),
  /** When the owner was emailed about the current past_due episode; cleared when the status leaves past_due. */
  dunningNotifiedAt: timestamp("dunning_notified_at", { withTimezone: true }),
  /** `created` (Unix seconds) of the newest Stripe event applied, so an older event never overwrites newer state. */
  updatedFromEventCreated: bigint("updated_from_event_created", { mode: "number" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** "processing" exists only inside the applying transaction; a committed row is processed, ignored or failed. */
export const STRIPE_EVENT_OUTCOMES = ["processing", "processed", "ignored", "failed"] as const;
export type StripeEventOutcome = (typeof STRIPE_EVENT_OUTCOMES)[number];

/**
 * Every webhook delivery that passed signature verification. The primary key is Stripe's event id: the row is
 * inserted first, in the transaction that applies the event, so a duplicate or concurrent delivery applies it
 * at most once. Admins see these rows with their outcome.
 */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    /** Stripe's `created` (Unix seconds). */
    created: bigint("created", { mode: "number" }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    outcome: text("outcome", { enum: STRIPE_EVENT_OUTCOMES }).notNull(),
    /** Why it was ignored, or the error that failed it. */
    detail: text("detail"),
    /** Deliveries that got as far as applying it (a failed event is re-applied by Stripe's retry). */
    attempts: integer("attempts").notNull().default(1),
    workspaceId: uuid("workspace_id").references(() => workspaces.id, { onDelete: "set null" }),
    /** The connected account (`acct_…`) of a Connect event (`/api/webhooks/stripe-connect`); null for billing's own. */
    account: text("account"),
  },
  (t) => [index("stripe_events_workspace_idx").on(t.workspaceId, t.receivedAt)],
);

export const USAGE_METRICS = ["transcription_seconds", "storage_bytes_snapshot", "scheduled_posts"] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/**
 * Metered usage: what, how much, for which UTC month. Quotas sum a workspace's records for the current month, so
 * the monthly reset is the period rolling over. `source_id` names what was metered (a transcription job, …):
 * the unique key makes recording idempotent, so a redelivered job never counts twice.
 */
export const usageRecords = pgTable(
  "usage_records",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    metric: text("metric", { enum: USAGE_METRICS }).notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    /** First day of the UTC month the usage belongs to. */
    periodStart: date("period_start", { mode: "string" }).notNull(),
    sourceId: text("source_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("usage_records_source_idx").on(t.workspaceId, t.metric, t.sourceId),
    index("usage_records_period_idx").on(t.workspaceId, t.metric, t.periodStart),
  ],
);
