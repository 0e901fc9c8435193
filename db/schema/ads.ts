import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { campaignCreatives, campaignFlights } from "./campaigns";
import { rollupDayColumns, showEpisodeColumns, workspaceColumn } from "./columns";
import { mediaObjects } from "./media";
import { episodes } from "./podcasts";

/**
 * Ad slots, dynamic insertion and delivery (issue 14 items 5-7, docs/decisions/024). Every table carries
 * workspace_id; the services check every id a caller gives against the caller's workspace (ADR 013).
 */

export const AD_SLOT_POSITIONS = ["pre", "mid", "post"] as const;
export type AdSlotPosition = (typeof AD_SLOT_POSITIONS)[number];

/** A place in an episode where an ad plays: before it, at a timestamp, or after it. */
export const adSlots = pgTable(
  "ad_slots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...workspaceColumn(),
    episodeId: uuid("episode_id")
      .notNull()
      .references(() => episodes.id, { onDelete: "cascade" }),
    position: text("position", { enum: AD_SLOT_POSITIONS }).notNull(),
    /** Mid-rolls only: the episode time asked for; the audio is cut at the nearest frame boundary. */
    atMs: integer("at_ms"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("ad_slots_episode_idx").on(t.workspaceId, t.episodeId),
    check(
      "ad_slots_mid_time_check",
      sql`(${t.position} = 'mid') = (${t.atMs} is not null) and coalesce(${t.atMs}, 0) >= 0`,
    ),
  ],
);

/** The flight and the creative of it in play: what a booking plays and what a host-read check looks for. */
function flightCreativeColumns() {
  return {
    flightId: uuid("flight_id")
      .notNull()
      .references(() => campaignFlights.id, { onDelete: "cascade" }),
    creativeId: uuid("creative_id")
      .notNull()
      .references(() => campaignCreatives.id, { onDelete: "cascade" }),
  };
}

/** A flight booked into a slot with the creative it plays; delivered from `live_from` (and while the flight is live). */
export const adSlotBookings = pgTable(
  "ad_slot_bookings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...workspaceColumn(),
    slotId: uuid("slot_id")
      .notNull()
      .references(() => adSlots.id, { onDelete: "cascade" }),
    ...flightCreativeColumns(),
    liveFrom: date("live_from", { mode: "string" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("ad_slot_bookings_slot_flight_idx").on(t.slotId, t.flightId),
    index("ad_slot_bookings_flight_idx").on(t.workspaceId, t.flightId),
  ],
);

/**
 * One served arrangement: which ads sit where in the stitched bytes. Its id is a hash of what it is made of, so
 * every edge computes the same id for the same bytes; requests record it, delivery counting reads it back.
 */
export const adArrangements = pgTable(
  "ad_arrangements",
  {
    id: text("id").primaryKey(),
    ...workspaceColumn(),
    episodeId: uuid("episode_id")
      .notNull()
      .references(() => episodes.id, { onDelete: "cascade" }),
    mediaId: uuid("media_id").references(() => mediaObjects.id, { onDelete: "set null" }),
    size: bigint("size", { mode: "number" }).notNull(),
    durationMs: integer("duration_ms").notNull(),
    /** [{ flightId, creativeId, byteStart, byteEnd, startMs, durationMs, episodeAtMs }] in play order. */
    ads: jsonb("ads").$type<ArrangementAd[]>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ad_arrangements_episode_idx").on(t.workspaceId, t.episodeId)],
);

export interface ArrangementAd {
  flightId: string;
  creativeId: string;
  byteStart: number;
  byteEnd: number;
  startMs: number;
  durationMs: number;
  episodeAtMs: number;
}

/** Delivered impressions of one UTC day, by flight, episode, country and app: written by the rollup. */
export const adDeliveries = pgTable(
  "ad_deliveries",
  {
    ...rollupDayColumns(),
    flightId: uuid("flight_id")
      .notNull()
      .references(() => campaignFlights.id, { onDelete: "cascade" }),
    ...showEpisodeColumns(),
    country: text("country").notNull(),
    app: text("app").notNull(),
    delivered: integer("delivered").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.day, t.flightId, t.episodeId, t.country, t.app] }),
    index("ad_deliveries_flight_idx").on(t.workspaceId, t.flightId, t.day),
  ],
);

/** What the transcript search found (or did not) for a host-read creative in an episode. */
export const adHostReadEvidence = pgTable(
  "ad_host_read_evidence",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...workspaceColumn(),
    ...flightCreativeColumns(),
    episodeId: uuid("episode_id")
      .notNull()
      .references(() => episodes.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["promo_code", "url", "talking_point"] }).notNull(),
    target: text("target").notNull(),
    found: boolean("found").notNull(),
    passage: text("passage"),
    startMs: integer("start_ms"),
    checkedAt: timestamp("checked_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("ad_host_read_evidence_flight_idx").on(t.workspaceId, t.flightId, t.episodeId),
    // One row per thing looked for: re-running the search after a new transcript replaces it (idempotent).
    uniqueIndex("ad_host_read_evidence_target_idx").on(t.flightId, t.creativeId, t.episodeId, t.kind, t.target),
  ],
);

/**
 * Which capped flights each listener heard in which episodes on one UTC day (docs/decisions/024, addendum
 * "Frequency caps across episodes"): read when an episode has a capped booking, so a flight with cap N plays in at
 * most N episodes per listener and day. The key is the analytics listener hash under the day's salt; rows older
 * than yesterday are deleted with the salts by the rollup job, after which no key can be linked to an address.
 */
export const adListenerFlights = pgTable(
  "ad_listener_flights",
  {
    ...workspaceColumn(),
    day: date("day", { mode: "string" }).notNull(),
    listenerKey: text("listener_key").notNull(),
    flightId: uuid("flight_id")
      .notNull()
      .references(() => campaignFlights.id, { onDelete: "cascade" }),
    episodeId: uuid("episode_id")
      .notNull()
      .references(() => episodes.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.listenerKey, t.flightId, t.episodeId] }),
    index("ad_listener_flights_workspace_idx").on(t.workspaceId, t.day),
  ],
);
