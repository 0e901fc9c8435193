import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { workspaces } from "./workspaces";

/**
 * The audience side (ADR 022, ../shared/AUDIENCE.md): one person (`users`), one relationship per workspace they
 * support (`supporters`), one ledger of what they may access (`grants`), and one record of the money that moved
 * grants (`payment_ledger`). Posts, episodes, events, private feeds, comments and later community spaces all ask the
 * same gate (server/services/audience/gate.ts) with the same grants.
 */

/** `left`: the person left the audience (kept as the creator's history); the gate treats them as not a member. */
export const SUPPORTER_STATUSES = ["active", "blocked", "left"] as const;
export type SupporterStatus = (typeof SUPPORTER_STATUSES)[number];

/** How the relationship began; kept for the creator's members list and for imports. */
export const SUPPORTER_SOURCES = ["email_link", "password", "checkout", "import", "creator_grant"] as const;
export type SupporterSource = (typeof SUPPORTER_SOURCES)[number];

/**
 * A person's relationship with one workspace as a member of its audience, separate from team membership (a person
 * can be both). A creator reads only their own workspace's rows, so nothing reveals whom else the person supports.
 */
export const supporters = pgTable(
  "supporters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: SUPPORTER_STATUSES }).notNull().default("active"),
    source: text("source", { enum: SUPPORTER_SOURCES }).notNull(),
    /** Newsletters (posts sent by email). One-click unsubscribe turns this off. */
    emailNewsletters: boolean("email_newsletters").notNull().default(true),
    /** Replies to their comments, ticket and membership changes that are not receipts. */
    emailNotifications: boolean("email_notifications").notNull().default(true),
    /** The creator's private note about this person; never shown to the supporter. */
    note: text("note").notNull().default(""),
    blockedAt: timestamp("blocked_at", { withTimezone: true }),
    blockedReason: text("blocked_reason"),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("supporters_workspace_user_idx").on(t.workspaceId, t.userId),
    index("supporters_user_idx").on(t.userId),
    index("supporters_workspace_joined_idx").on(t.workspaceId, t.joinedAt),
  ],
);

export const TIER_KINDS = ["free", "paid"] as const;
export type TierKind = (typeof TIER_KINDS)[number];

/**
 * What a supporter can join. A paid tier's prices live on the creator's connected Stripe account (direct charges);
 * the ids are stored once created there. In sandbox payment mode they stay null and the sandbox charges the amounts.
 */
export const tiers = pgTable(
  "tiers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    benefits: jsonb("benefits").$type<string[]>().notNull().default([]),
    kind: text("kind", { enum: TIER_KINDS }).notNull(),
    /** Minor units of `currency`; null when the tier has no price for that interval. */
    monthlyPriceCents: integer("monthly_price_cents"),
    yearlyPriceCents: integer("yearly_price_cents"),
    currency: text("currency").notNull().default("usd"),
    trialDays: integer("trial_days").notNull().default(0),
    position: integer("position").notNull().default(0),
    stripeProductId: text("stripe_product_id"),
    stripeMonthlyPriceId: text("stripe_monthly_price_id"),
    stripeYearlyPriceId: text("stripe_yearly_price_id"),
    /** Archived tiers take no new members; existing grants run on. */
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("tiers_workspace_idx").on(t.workspaceId, t.position)],
);

/** What a grant gives: a tier's benefits, one event's ticket, or one piece of content (a recording). */
export const GRANT_KINDS = ["tier", "ticket", "content"] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

/** Where a grant came from; `subscription`/`payment` grants are driven by the payment ledger only. */
export const GRANT_SOURCES = [
  "free_signup",
  "subscription",
  "payment",
  "complimentary",
  "gift",
  "promotion",
  "import",
] as const;
export type GrantSource = (typeof GRANT_SOURCES)[number];

/** `active` means "may access within [starts_at, ends_at)"; every other status denies. */
export const GRANT_STATUSES = ["active", "canceled", "expired", "refunded", "disputed", "revoked"] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/**
 * The entitlement ledger: one row per thing a person may access in a workspace. Grants are the only input to access
 * decisions, and change only through server/services/audience/grants.ts, in the transaction of the ledger row or
 * action that caused them, with an audit row. A row is never deleted (history for the member page); erasing a
 * person (privacy request) cascades from `users`.
 */
export const grants = pgTable(
  "grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    supporterId: uuid("supporter_id")
      .notNull()
      .references(() => supporters.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: GRANT_KINDS }).notNull(),
    /** kind = tier. */
    tierId: uuid("tier_id").references(() => tiers.id, { onDelete: "restrict" }),
    /**
     * kind = ticket: the event it admits to and the ticket row (db/schema/events.ts). No foreign key here: events.ts
     * builds on this file (visibilityColumns), and `tickets.grant_id` holds the link from the other side.
     */
    eventId: uuid("event_id"),
    ticketId: uuid("ticket_id"),
    source: text("source", { enum: GRANT_SOURCES }).notNull(),
    /** The provider object that drives the grant (subscription id, payment id, sandbox id); null for manual grants. */
    sourceRef: text("source_ref"),
    status: text("status", { enum: GRANT_STATUSES }).notNull().default("active"),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    /** Exclusive end; null is open-ended (free tier, complimentary without end). */
    endsAt: timestamp("ends_at", { withTimezone: true }),
    /** Why it stopped, in the creator's words on the member page. */
    endedReason: text("ended_reason"),
    /** The team member who granted it by hand (complimentary, gift), if any. */
    grantedBy: uuid("granted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("grants_workspace_user_idx").on(t.workspaceId, t.userId, t.status),
    index("grants_supporter_idx").on(t.supporterId),
    index("grants_tier_idx").on(t.tierId),
    index("grants_event_idx").on(t.eventId),
    /** One live grant per provider object: a duplicate or concurrent webhook cannot mint a second one. */
    uniqueIndex("grants_source_ref_idx")
      .on(t.workspaceId, t.source, t.sourceRef)
      .where(sql`${t.sourceRef} is not null`),
  ],
);

export const PAYMENT_PROVIDERS = ["stripe", "sandbox"] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

/**
 * Money movements on a creator's account, each keyed by the provider's event id and applied exactly once (the
 * unique index), in the transaction that changes the grant. Amounts and provider ids are kept for tax records when
 * a person is erased: `user_id` is then set null.
 */
export const paymentLedger = pgTable(
  "payment_ledger",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    provider: text("provider", { enum: PAYMENT_PROVIDERS }).notNull(),
    /** The connected account (`acct_…`), or "sandbox". */
    providerAccount: text("provider_account").notNull(),
    providerEventId: text("provider_event_id").notNull(),
    /** e.g. checkout.session.completed, invoice.paid, customer.subscription.deleted, charge.refunded. */
    eventType: text("event_type").notNull(),
    /** The provider object the event is about (subscription, invoice, charge, checkout session). */
    providerObjectId: text("provider_object_id"),
    amountCents: integer("amount_cents").notNull().default(0),
    currency: text("currency").notNull().default("usd"),
    applicationFeeCents: integer("application_fee_cents").notNull().default(0),
    grantId: uuid("grant_id").references(() => grants.id, { onDelete: "set null" }),
    /** The provider's `created` (Unix seconds), to order events for convergence. */
    occurredAt: bigint("occurred_at", { mode: "number" }).notNull(),
    outcome: text("outcome", { enum: ["applied", "ignored"] }).notNull(),
    detail: text("detail"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("payment_ledger_event_idx").on(t.provider, t.providerEventId),
    index("payment_ledger_workspace_idx").on(t.workspaceId, t.createdAt),
    index("payment_ledger_user_idx").on(t.userId),
  ],
);

/** Subscription states as Stripe reports them; the sandbox uses the same words. */
export const AUDIENCE_SUBSCRIPTION_STATUSES = [
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "canceled",
  "unpaid",
  "paused",
] as const;
export type AudienceSubscriptionStatus = (typeof AUDIENCE_SUBSCRIPTION_STATUSES)[number];

/**
 * A supporter's paid subscription to a tier, mirroring the provider's current state (newest event wins, by
 * `updated_from_event_created`). Its grant's window follows `current_period_end`.
 */
export const audienceSubscriptions = pgTable(
  "audience_subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    supporterId: uuid("supporter_id").references(() => supporters.id, { onDelete: "set null" }),
    tierId: uuid("tier_id")
      .notNull()
      .references(() => tiers.id, { onDelete: "restrict" }),
    provider: text("provider", { enum: PAYMENT_PROVIDERS }).notNull(),
    providerAccount: text("provider_account").notNull(),
    providerSubscriptionId: text("provider_subscription_id").notNull(),
    providerCustomerId: text("provider_customer_id"),
    interval: text("interval", { enum: ["month", "year"] }).notNull(),
    status: text("status", { enum: AUDIENCE_SUBSCRIPTION_STATUSES }).notNull(),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    trialEnd: timestamp("trial_end", { withTimezone: true }),
    amountCents: integer("amount_cents").notNull().default(0),
    currency: text("currency").notNull().default("usd"),
    grantId: uuid("grant_id").references(() => grants.id, { onDelete: "set null" }),
    updatedFromEventCreated: bigint("updated_from_event_created", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("audience_subscriptions_provider_idx").on(t.provider, t.providerSubscriptionId),
    index("audience_subscriptions_workspace_idx").on(t.workspaceId, t.status),
  ],
);

/**
 * Who may see a piece of content. Posts, episodes and events carry these two columns (spread `visibilityColumns()`
 * into their table); the service checks every id in `visibility_tier_ids` belongs to the workspace.
 */
export const VISIBILITIES = ["public", "members", "paid", "tiers"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * Posts and episodes may also be for the ticket holders of one event (an event's recording, ADR 034); events
 * themselves may not (a ticket to an event cannot be the condition for seeing that event). Such rows name the event
 * in `visibility_event_id` (`contentVisibilityColumns`), which the service checks belongs to the workspace.
 */
export const CONTENT_VISIBILITIES = [...VISIBILITIES, "ticket_holders"] as const;
export type ContentVisibility = (typeof CONTENT_VISIBILITIES)[number];

export function visibilityColumns() {
  return {
    visibility: text("visibility", { enum: VISIBILITIES }).notNull().default("public"),
    /** visibility = tiers: which tiers may see it. */
    visibilityTierIds: uuid("visibility_tier_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
  };
}

/**
 * `visibilityColumns()` for posts and episodes: the wider enum (`ticket_holders`). The event reference itself is
 * declared in the table (db/schema/posts.ts, podcasts.ts) so it can carry a foreign key to `events` without an import
 * cycle through this file.
 */
export function contentVisibilityColumns() {
  return {
    ...visibilityColumns(),
    visibility: text("visibility", { enum: CONTENT_VISIBILITIES }).notNull().default("public"),
  };
}
