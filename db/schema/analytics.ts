import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { rollupDayColumns, showEpisodeColumns, workspaceColumn } from "./columns";
import { mediaObjects } from "./media";
import { episodes, shows } from "./podcasts";

/**
 * One secret per UTC day keying the listener hash (HMAC of the IP prefix and user agent). Deleted once the day
 * is outside the rollup window, after which a stored listener key can no longer be linked to any address.
 */
export const analyticsSalts = pgTable("analytics_salts", {
  day: date("day", { mode: "string" }).primaryKey(),
  secret: text("secret").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row per enclosure request, as the edge saw it (docs/decisions/019). `id` is minted at the edge, so a
 * redelivered queue message inserts nothing twice. Never holds an IP address. Raw rows stay so any rollup (and
 * later ad-slot delivery, which needs the byte ranges) can be recomputed.
 */
export const analyticsRequests = pgTable(
  "analytics_requests",
  {
    id: uuid("id").primaryKey(),
    ...workspaceColumn(),
    ...showEpisodeColumns(),
    /** The audio file served, so a later replacement of the episode's audio does not change old thresholds. */
    mediaId: uuid("media_id").references(() => mediaObjects.id, { onDelete: "set null" }),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull(),
    /** UTC day of requested_at: the counting window and the salt the listener key was made with. */
    day: date("day", { mode: "string" }).notNull(),
    listenerKey: text("listener_key").notNull(),
    method: text("method").notNull(),
    status: integer("status").notNull(),
    /** The Range header as sent (pre-loads are `bytes=0-1`); null without one. */
    rangeHeader: text("range_header"),
    /** First byte served; null when no body was served (HEAD, 304, 404, 416). */
    rangeStart: bigint("range_start", { mode: "number" }),
    /** Bytes that left the Worker (fewer than the range when the listener hung up). */
    bytesSent: bigint("bytes_sent", { mode: "number" }).notNull(),
    userAgent: text("user_agent").notNull(),
    country: text("country"),
    /** Origin of the Referer only: paths and query strings can carry personal data. */
    referrer: text("referrer"),
    /** The ad arrangement served (docs/decisions/024); null when the episode was served as stored. */
    arrangementId: text("arrangement_id"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("analytics_requests_day_idx").on(t.workspaceId, t.day),
    index("analytics_requests_by_day_idx").on(t.day),
  ],
);

/**
 * The counting result of one workspace's UTC day: totals, a counter per exclusion rule, the list and
 * methodology versions used, and the per-episode thresholds, so a recount can be compared with it exactly.
 */
export const analyticsRollups = pgTable(
  "analytics_rollups",
  {
    ...rollupDayColumns(),
    requests: integer("requests").notNull(),
    downloads: integer("downloads").notNull(),
    droppedNotServed: integer("dropped_not_served").notNull(),
    droppedBot: integer("dropped_bot").notNull(),
    droppedPreload: integer("dropped_preload").notNull(),
    droppedAppleWatch: integer("dropped_apple_watch").notNull(),
    droppedDuplicate: integer("dropped_duplicate").notNull(),
    droppedUnderThreshold: integer("dropped_under_threshold").notNull(),
    methodologyVersion: text("methodology_version").notNull(),
    listsVersion: text("lists_version").notNull(),
    /** episodeId → { size, durationSeconds, headerBytes, thresholdBytes } as used for this day. */
    thresholds: jsonb("thresholds").$type<Record<string, EpisodeThreshold>>().notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day] })],
);

export interface EpisodeThreshold {
  size: number;
  durationSeconds: number | null;
  headerBytes: number;
  thresholdBytes: number;
}

/** Downloads of one day by episode, app, platform and country: what every analytics view reads. */
export const analyticsDailyDownloads = pgTable(
  "analytics_daily_downloads",
  {
    ...rollupDayColumns(),
    ...showEpisodeColumns(),
    app: text("app").notNull(),
    platform: text("platform").notNull(),
    country: text("country").notNull(),
    downloads: integer("downloads").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.day, t.episodeId, t.app, t.platform, t.country] }),
    index("analytics_daily_downloads_show_idx").on(t.workspaceId, t.showId, t.day),
  ],
);

/**
 * Estimated listeners of one UTC day (docs/decisions/035): distinct listener keys among the day's counted
 * downloads, for the whole workspace (show and episode null), per show (episode null) and per episode. Keys are
 * salted per day, so only a day's figure is a true count of distinct keys; weeks and months add days up.
 */
export const analyticsDailyListeners = pgTable(
  "analytics_daily_listeners",
  {
    ...rollupDayColumns(),
    showId: uuid("show_id").references(() => shows.id, { onDelete: "cascade" }),
    episodeId: uuid("episode_id").references(() => episodes.id, { onDelete: "cascade" }),
    listeners: integer("listeners").notNull(),
  },
  (t) => [
    unique("analytics_daily_listeners_scope_key").on(t.workspaceId, t.day, t.showId, t.episodeId).nullsNotDistinct(),
    index("analytics_daily_listeners_show_idx").on(t.workspaceId, t.showId, t.day),
  ],
);

/**
 * One row per fetch of a public show feed (`/feeds/:showId.xml`), edge-cache hits and 304s included, recorded
 * through the analytics queue like enclosure requests. Never holds an IP address: the listener key is the same
 * daily-salted hash. Raw rows stay so the subscriber estimate can be recomputed.
 */
export const analyticsFeedFetches = pgTable(
  "analytics_feed_fetches",
  {
    id: uuid("id").primaryKey(),
    ...workspaceColumn(),
    showId: uuid("show_id")
      .notNull()
      .references(() => shows.id, { onDelete: "cascade" }),
    fetchedAt: timestamp("fetched_at", { withTimezone: true }).notNull(),
    /** UTC day of fetched_at: the estimate's window and the salt the listener key was made with. */
    day: date("day", { mode: "string" }).notNull(),
    listenerKey: text("listener_key").notNull(),
    method: text("method").notNull(),
    status: integer("status").notNull(),
    userAgent: text("user_agent").notNull(),
    country: text("country"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("analytics_feed_fetches_day_idx").on(t.workspaceId, t.day),
    index("analytics_feed_fetches_by_day_idx").on(t.day),
  ],
);

/**
 * The feed subscriber estimate of one show's UTC day (docs/decisions/035): distinct fetchers after bot filtering,
 * plus the subscriber counts aggregators report in their user agent, with a counter per rule so a recount from
 * `analytics_feed_fetches` can be compared exactly.
 */
export const analyticsDailySubscribers = pgTable(
  "analytics_daily_subscribers",
  {
    ...rollupDayColumns(),
    showId: uuid("show_id")
      .notNull()
      .references(() => shows.id, { onDelete: "cascade" }),
    /** fetchers + aggregatorSubscribers. */
    subscribers: integer("subscribers").notNull(),
    /** Distinct listener keys that fetched the feed, aggregators excluded. */
    fetchers: integer("fetchers").notNull(),
    /** Aggregators that reported a subscriber count, and the counts they reported (each aggregator once). */
    aggregators: integer("aggregators").notNull(),
    aggregatorSubscribers: integer("aggregator_subscribers").notNull(),
    fetches: integer("fetches").notNull(),
    droppedNotServed: integer("dropped_not_served").notNull(),
    droppedBot: integer("dropped_bot").notNull(),
    droppedDuplicate: integer("dropped_duplicate").notNull(),
    methodologyVersion: text("methodology_version").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.day, t.showId] }),
    index("analytics_daily_subscribers_show_idx").on(t.workspaceId, t.showId, t.day),
  ],
);
