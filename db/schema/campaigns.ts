import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
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
import { mediaObjects } from "./media";
import { episodes, shows } from "./podcasts";
import { workspaces } from "./workspaces";

/**
 * Sponsor campaigns of a podcast network (ADR 023). Every table carries workspace_id and every id stored in one
 * is checked against the caller's workspace by the services (ADR 013); the foreign keys below only keep rows from
 * pointing at nothing. Ad slots and deliveries (issue 14 items 5-7) are built on flights and creatives elsewhere.
 */

export interface AdvertiserContact {
  name: string;
  email: string;
  role: string;
}

/** A client of the network that buys campaigns. */
export const advertisers = pgTable(
  "advertisers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    contacts: jsonb("contacts").$type<AdvertiserContact[]>().notNull().default([]),
    notes: text("notes").notNull().default(""),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("advertisers_workspace_idx").on(t.workspaceId, t.name)],
);

export const CAMPAIGN_PRICING = ["cpm", "flat"] as const;
export type CampaignPricing = (typeof CAMPAIGN_PRICING)[number];

/** draft → approved (IO signed off) → live → completed; canceled from any state before completed. */
export const CAMPAIGN_STATUSES = ["draft", "approved", "live", "completed", "canceled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A campaign is its insertion order: what the advertiser buys, for how much, between which dates. */
export const campaigns = pgTable(
  "campaigns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    advertiserId: uuid("advertiser_id")
      .notNull()
      .references(() => advertisers.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    /** Total budget of the insertion order in the currency's minor unit (cents). */
    budgetCents: bigint("budget_cents", { mode: "number" }).notNull(),
    /** ISO 4217, upper case, e.g. "USD". */
    currency: text("currency").notNull(),
    pricing: text("pricing", { enum: CAMPAIGN_PRICING }).notNull(),
    /** cpm: price per thousand impressions in cents; flat: the fee for the whole campaign in cents. */
    rateCents: bigint("rate_cents", { mode: "number" }).notNull(),
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }).notNull(),
    /** The advertiser's person who signs the insertion order. */
    ioContactName: text("io_contact_name").notNull().default(""),
    ioContactEmail: text("io_contact_email").notNull().default(""),
    status: text("status", { enum: CAMPAIGN_STATUSES }).notNull().default("draft"),
    notes: text("notes").notNull().default(""),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("campaigns_workspace_idx").on(t.workspaceId, t.startsOn),
    index("campaigns_advertiser_idx").on(t.workspaceId, t.advertiserId),
    check("campaigns_dates_check", sql`${t.endsOn} >= ${t.startsOn}`),
    check("campaigns_money_check", sql`${t.budgetCents} >= 0 and ${t.rateCents} >= 0`),
  ],
);

export const FLIGHT_POSITIONS = ["pre", "mid", "post"] as const;
export type FlightPosition = (typeof FLIGHT_POSITIONS)[number];

/** draft: being planned; booked: holds its dates on the calendar; live/paused: delivering or held; done states last. */
export const FLIGHT_STATUSES = ["draft", "booked", "live", "paused", "completed", "canceled"] as const;
export type FlightStatus = (typeof FLIGHT_STATUSES)[number];

/** One run of a campaign: dates, where the ad plays, how many impressions, how often one listener may hear it. */
export const campaignFlights = pgTable(
  "campaign_flights",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }).notNull(),
    position: text("position", { enum: FLIGHT_POSITIONS }).notNull(),
    impressionsGoal: integer("impressions_goal").notNull(),
    /** Higher wins when flights compete for the same slot. */
    priority: integer("priority").notNull().default(5),
    /**
     * At most `frequency_cap` impressions per listener per UTC day, across episodes; `frequency_days` is always 1
     * (caps cannot span days, ADR 024); both null: no cap.
     */
    frequencyCap: integer("frequency_cap"),
    frequencyDays: integer("frequency_days"),
    status: text("status", { enum: FLIGHT_STATUSES }).notNull().default("draft"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("campaign_flights_campaign_idx").on(t.workspaceId, t.campaignId),
    index("campaign_flights_dates_idx").on(t.workspaceId, t.startsOn, t.endsOn),
    check("campaign_flights_dates_check", sql`${t.endsOn} >= ${t.startsOn}`),
    check("campaign_flights_goal_check", sql`${t.impressionsGoal} >= 0`),
    check(
      "campaign_flights_frequency_check",
      sql`(${t.frequencyCap} is null) = (${t.frequencyDays} is null) and coalesce(${t.frequencyCap}, 1) > 0 and coalesce(${t.frequencyDays}, 1) = 1`,
    ),
  ],
);

/** What a flight targets: a whole show (every episode of it) or one episode. Exactly one of the two is set. */
export const campaignFlightTargets = pgTable(
  "campaign_flight_targets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    flightId: uuid("flight_id")
      .notNull()
      .references(() => campaignFlights.id, { onDelete: "cascade" }),
    showId: uuid("show_id").references(() => shows.id, { onDelete: "cascade" }),
    episodeId: uuid("episode_id").references(() => episodes.id, { onDelete: "cascade" }),
  },
  (t) => [
    check("campaign_flight_targets_one_check", sql`(${t.showId} is null) <> (${t.episodeId} is null)`),
    uniqueIndex("campaign_flight_targets_show_idx")
      .on(t.flightId, t.showId)
      .where(sql`${t.showId} is not null`),
    uniqueIndex("campaign_flight_targets_episode_idx")
      .on(t.flightId, t.episodeId)
      .where(sql`${t.episodeId} is not null`),
    index("campaign_flight_targets_workspace_show_idx").on(t.workspaceId, t.showId),
    index("campaign_flight_targets_workspace_episode_idx").on(t.workspaceId, t.episodeId),
  ],
);

export const CREATIVE_KINDS = ["host_read", "audio"] as const;
export type CreativeKind = (typeof CREATIVE_KINDS)[number];

/**
 * What is heard: a host-read script (talking points, promo code, URL) or pre-recorded audio from the media library.
 * Scoped to the campaign, or to one of its flights when `flight_id` is set. `revision` grows with every edit, and an
 * approval counts only for the revision it was given to.
 */
export interface CreativeAudioEncoding {
  sampleRate: number;
  channels: 1 | 2;
  bitrateMode: "constant" | "variable";
  kbps: number;
}

export const campaignCreatives = pgTable(
  "campaign_creatives",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    flightId: uuid("flight_id").references(() => campaignFlights.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: CREATIVE_KINDS }).notNull(),
    script: text("script").notNull().default(""),
    talkingPoints: jsonb("talking_points").$type<string[]>().notNull().default([]),
    promoCode: text("promo_code").notNull().default(""),
    url: text("url").notNull().default(""),
    /** audio: the library file played; set null if the file is deleted, which the campaign page then says. */
    mediaId: uuid("media_id").references(() => mediaObjects.id, { onDelete: "set null" }),
    /** audio: the file's duration as measured at upload, copied when the creative is saved. */
    durationSeconds: integer("duration_seconds"),
    /** audio: the MP3 encoding read from the file when the creative is saved, so a booking refusal can be understood. */
    audioEncoding: jsonb("audio_encoding").$type<CreativeAudioEncoding>(),
    revision: integer("revision").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("campaign_creatives_campaign_idx").on(t.workspaceId, t.campaignId),
    index("campaign_creatives_flight_idx").on(t.workspaceId, t.flightId),
  ],
);

export const CAMPAIGN_SHARE_PURPOSES = ["approval", "report"] as const;
export type CampaignSharePurpose = (typeof CAMPAIGN_SHARE_PURPOSES)[number];

/**
 * A link given to the advertiser: approve the campaign's creatives and IO, or read its report. The link carries a
 * random token; only its SHA-256 is stored (like user_tokens), so the table cannot be used to open the pages.
 */
export const campaignShareLinks = pgTable(
  "campaign_share_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: CAMPAIGN_SHARE_PURPOSES }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("campaign_share_links_campaign_idx").on(t.workspaceId, t.campaignId)],
);

export const APPROVAL_DECISIONS = ["approved", "rejected"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/**
 * The advertiser's decision through an approval link, on one creative (at one revision) or, with `creative_id`
 * null, on the insertion order. One decision per link and subject: answering again returns the first answer.
 */
export const campaignApprovals = pgTable(
  "campaign_approvals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    creativeId: uuid("creative_id").references(() => campaignCreatives.id, { onDelete: "cascade" }),
    creativeRevision: integer("creative_revision"),
    shareLinkId: uuid("share_link_id")
      .notNull()
      .references(() => campaignShareLinks.id, { onDelete: "cascade" }),
    decision: text("decision", { enum: APPROVAL_DECISIONS }).notNull(),
    comment: text("comment").notNull().default(""),
    /** Who answered, as they typed it on the public page (the advertiser has no account). */
    decidedByName: text("decided_by_name").notNull(),
    decidedByEmail: text("decided_by_email").notNull().default(""),
    ip: text("ip"),
    userAgent: text("user_agent"),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("campaign_approvals_subject_idx").on(
      t.shareLinkId,
      sql`coalesce(${t.creativeId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`coalesce(${t.creativeRevision}, 0)`,
    ),
    index("campaign_approvals_campaign_idx").on(t.workspaceId, t.campaignId, t.decidedAt),
  ],
);

export const INVOICE_STATUSES = ["draft", "sent", "paid", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceLineItem {
  description: string;
  quantity: number;
  unitAmountCents: number;
  amountCents: number;
}

/** Next invoice number per workspace: one row, bumped by an upsert so concurrent invoices never share a number. */
export const invoiceCounters = pgTable("invoice_counters", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  lastNumber: integer("last_number").notNull(),
});

/**
 * An invoice to an advertiser built from a campaign's insertion order. Numbers are sequential per workspace and
 * never reused (a void invoice keeps its number). `stripe_invoice_id` is set when Stripe Invoicing on the
 * workspace's connected account issued it; otherwise the PDF is the invoice.
 */
export const invoices = pgTable(
  "invoices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "restrict" }),
    advertiserId: uuid("advertiser_id")
      .notNull()
      .references(() => advertisers.id, { onDelete: "restrict" }),
    number: integer("number").notNull(),
    status: text("status", { enum: INVOICE_STATUSES }).notNull().default("draft"),
    currency: text("currency").notNull(),
    lineItems: jsonb("line_items").$type<InvoiceLineItem[]>().notNull(),
    totalCents: bigint("total_cents", { mode: "number" }).notNull(),
    issuedOn: date("issued_on", { mode: "string" }).notNull(),
    dueOn: date("due_on", { mode: "string" }).notNull(),
    /** Who is billed, copied from the advertiser when the invoice is made, so later edits do not change it. */
    billTo: jsonb("bill_to").$type<{ name: string; contact: string; email: string }>().notNull(),
    notes: text("notes").notNull().default(""),
    stripeInvoiceId: text("stripe_invoice_id"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    voidedAt: timestamp("voided_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invoices_number_idx").on(t.workspaceId, t.number),
    index("invoices_campaign_idx").on(t.workspaceId, t.campaignId),
  ],
);
