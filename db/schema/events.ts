import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { grants, tiers, visibilityColumns } from "./audience";
import { users } from "./auth";
import { mediaObjects } from "./media";
import { workspaces } from "./workspaces";

/**
 * Events and tickets (issue 13, ADR 029). Capacity is taken only inside one transaction that holds the event's
 * advisory lock (server/services/events/capacity.ts): seats sold = valid tickets, seats held = unexpired holds, and
 * both count against the event's capacity and each ticket type's own quantity. A ticket is also a grant
 * (`grants.kind = ticket`), which is what the gate reads.
 */

export const EVENT_KINDS = ["in_person", "online", "hybrid"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_STATUSES = ["draft", "published", "canceled"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const events = pgTable(
  "events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Occurrences of one recurring series share this id (the first occurrence's id). */
    seriesId: uuid("series_id"),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    kind: text("kind", { enum: EVENT_KINDS }).notNull().default("in_person"),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    /** IANA zone the creator scheduled it in; times are stored in UTC and shown in this zone. */
    timeZone: text("time_zone").notNull().default("UTC"),
    venue: text("venue").notNull().default(""),
    /** Online/hybrid: revealed only to ticket holders (and the team). */
    joinUrl: text("join_url"),
    coverMediaId: uuid("cover_media_id").references(() => mediaObjects.id, { onDelete: "set null" }),
    /** Seats across all ticket types; null is unlimited. */
    capacity: integer("capacity"),
    salesStartAt: timestamp("sales_start_at", { withTimezone: true }),
    salesEndAt: timestamp("sales_end_at", { withTimezone: true }),
    /** How long a reservation holds its seats while the buyer pays. */
    holdMinutes: integer("hold_minutes").notNull().default(15),
    /** How long a waitlist offer holds its seats. */
    offerHours: integer("offer_hours").notNull().default(12),
    ...visibilityColumns(),
    status: text("status", { enum: EVENT_STATUSES }).notNull().default("draft"),
    /**
     * Buyers may cancel their own tickets (and get their money back) until this many hours before the start; null:
     * only the creator cancels or refunds.
     */
    refundWindowHours: integer("refund_window_hours"),
    /**
     * The iCalendar SEQUENCE of this event's invitations: raised whenever its time or place changes or it is
     * canceled, so calendar apps replace the copy they hold (same UID) instead of adding a second one.
     */
    icsSequence: integer("ics_sequence").notNull().default(0),
    canceledAt: timestamp("canceled_at", { withTimezone: true }),
    /** What the creator told the holders when canceling. */
    cancelReason: text("cancel_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("events_workspace_starts_idx").on(t.workspaceId, t.startsAt),
    index("events_series_idx").on(t.seriesId),
  ],
);

export const ticketTypes = pgTable(
  "ticket_types",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** 0 is a free RSVP. Minor units of `currency`. */
    priceCents: integer("price_cents").notNull().default(0),
    currency: text("currency").notNull().default("usd"),
    /** This type's own share of the event's seats; null is bounded only by the event's capacity. */
    quantity: integer("quantity"),
    maxPerOrder: integer("max_per_order").notNull().default(10),
    /** Members of these tiers pay `memberPriceCents` instead (read from their active grants). */
    memberTierIds: uuid("member_tier_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    memberPriceCents: integer("member_price_cents"),
    /** Members of these tiers may buy from this time, before the event's sales start. */
    earlyAccessTierIds: uuid("early_access_tier_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    earlyAccessStartAt: timestamp("early_access_start_at", { withTimezone: true }),
    position: integer("position").notNull().default(0),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ticket_types_event_idx").on(t.eventId, t.position)],
);

export const PROMO_KINDS = ["percent", "amount"] as const;
export type PromoKind = (typeof PROMO_KINDS)[number];

export const promoCodes = pgTable(
  "promo_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    /** Stored lower case; buyers type it in any case. */
    code: text("code").notNull(),
    kind: text("kind", { enum: PROMO_KINDS }).notNull(),
    /** kind = percent: 1-100; kind = amount: minor units off each ticket. */
    value: integer("value").notNull(),
    /** Orders that may use it (pending ones with a live hold count); null is unlimited. */
    maxUses: integer("max_uses"),
    validFrom: timestamp("valid_from", { withTimezone: true }),
    validUntil: timestamp("valid_until", { withTimezone: true }),
    /** Empty: every ticket type of the event. */
    ticketTypeIds: uuid("ticket_type_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("promo_codes_event_code_idx").on(t.eventId, t.code)],
);

export const ORDER_STATUSES = ["pending", "paid", "canceled", "refunded", "partially_refunded"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * One purchase (or free RSVP) by one person. A paid order is `pending` while its holds wait for the payment, and
 * becomes `paid` exactly once: `payment_id` is unique, so a duplicate or concurrent delivery of the same payment
 * cannot issue a second set of tickets. Amounts and provider ids survive erasure of the person (tax records).
 */
export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    subtotalCents: integer("subtotal_cents").notNull().default(0),
    discountCents: integer("discount_cents").notNull().default(0),
    totalCents: integer("total_cents").notNull().default(0),
    refundedCents: integer("refunded_cents").notNull().default(0),
    /**
     * Money owed back but not yet refunded at the provider. Set in the transaction that decides the refund (a late
     * payment for seats that are gone, a creator's refund); the provider call happens after commit and the
     * per-minute sweep retries it, so a crash in between leaves a debt the sweep pays, not a lost refund.
     */
    refundDueCents: integer("refund_due_cents").notNull().default(0),
    currency: text("currency").notNull().default("usd"),
    promoCodeId: uuid("promo_code_id").references(() => promoCodes.id, { onDelete: "set null" }),
    /** "stripe" or "sandbox" once a checkout exists. */
    provider: text("provider"),
    checkoutId: text("checkout_id"),
    paymentId: text("payment_id"),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    canceledAt: timestamp("canceled_at", { withTimezone: true }),
    /** In the buyer's words: why it did not complete or was refunded. */
    endedReason: text("ended_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("orders_event_idx").on(t.eventId, t.status),
    index("orders_user_idx").on(t.userId),
    uniqueIndex("orders_payment_idx")
      .on(t.paymentId)
      .where(sql`${t.paymentId} is not null`),
    uniqueIndex("orders_checkout_idx")
      .on(t.checkoutId)
      .where(sql`${t.checkoutId} is not null`),
    index("orders_refund_due_idx")
      .on(t.id)
      .where(sql`${t.refundDueCents} > 0`),
  ],
);

export const HOLD_STATUSES = ["held", "converted", "released", "expired"] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

/**
 * Seats set aside for one person until `expires_at`: a reservation waiting for its payment, or a waitlist offer
 * (`waitlist_entry_id` set, a longer expiry). Only `held` rows whose `expires_at` is in the future count as taken;
 * an expired one stops counting at once, whether or not the sweep has marked it yet.
 */
export const holds = pgTable(
  "holds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    ticketTypeId: uuid("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "cascade" }),
    waitlistEntryId: uuid("waitlist_entry_id"),
    quantity: integer("quantity").notNull(),
    /** What each seat costs this buyer (member price and promo code applied); the order's lines. */
    unitPriceCents: integer("unit_price_cents").notNull().default(0),
    status: text("status", { enum: HOLD_STATUSES }).notNull().default("held"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("holds_event_live_idx")
      .on(t.eventId, t.ticketTypeId)
      .where(sql`${t.status} = 'held'`),
    index("holds_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'held'`),
    index("holds_order_idx").on(t.orderId),
  ],
);

export const TICKET_STATUSES = ["valid", "canceled", "refunded", "transferred"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * One seat. Only `valid` tickets take capacity. The QR secret is never stored: it is an HMAC of the ticket id and
 * `secret_version` under a server key, so rotating a leaked one is bumping the version.
 */
export const tickets = pgTable(
  "tickets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    ticketTypeId: uuid("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id, { onDelete: "restrict" }),
    holderUserId: uuid("holder_user_id").references(() => users.id, { onDelete: "set null" }),
    grantId: uuid("grant_id").references(() => grants.id, { onDelete: "set null" }),
    status: text("status", { enum: TICKET_STATUSES }).notNull().default("valid"),
    priceCents: integer("price_cents").notNull().default(0),
    secretVersion: integer("secret_version").notNull().default(1),
    /** Set by the reminder cron when it records that reminder's email, so each goes out once per ticket. */
    remindedDayAt: timestamp("reminded_day_at", { withTimezone: true }),
    remindedHourAt: timestamp("reminded_hour_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("tickets_event_type_idx")
      .on(t.eventId, t.ticketTypeId)
      .where(sql`${t.status} = 'valid'`),
    index("tickets_order_idx").on(t.orderId),
    index("tickets_holder_idx").on(t.holderUserId),
  ],
);

export const WAITLIST_STATUSES = ["waiting", "offered", "converted", "expired", "declined", "left"] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

/**
 * People waiting for a sold-out event or ticket type. Served by `priority` (0: a member of a tier the event
 * favours, 1: everyone else), then first come first served. An offer is a hold with `waitlist_entry_id` set.
 */
export const waitlistEntries = pgTable(
  "waitlist_entries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    ticketTypeId: uuid("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    quantity: integer("quantity").notNull().default(1),
    priority: integer("priority").notNull().default(1),
    status: text("status", { enum: WAITLIST_STATUSES }).notNull().default("waiting"),
    tierId: uuid("tier_id").references(() => tiers.id, { onDelete: "set null" }),
    offeredAt: timestamp("offered_at", { withTimezone: true }),
    /** SHA-256 of the token in the offer email's accept/decline link; the token itself is never stored. */
    offerTokenHash: text("offer_token_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("waitlist_next_idx")
      .on(t.eventId, t.ticketTypeId, t.priority, t.createdAt)
      .where(sql`${t.status} = 'waiting'`),
    uniqueIndex("waitlist_offer_token_idx").on(t.offerTokenHash),
    uniqueIndex("waitlist_one_live_entry_idx")
      .on(t.ticketTypeId, t.userId)
      .where(sql`${t.status} in ('waiting', 'offered')`),
  ],
);
