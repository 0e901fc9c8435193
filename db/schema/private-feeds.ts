import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { supporters } from "./audience";
import { shows } from "./podcasts";
import { workspaces } from "./workspaces";

/**
 * Private member feeds (ADR 028). A supporter's feed for a show needs no row to exist: its token is derived by HMAC
 * from the supporter, the show and `generation`, so it is issued the moment a grant opens anything. A row is
 * written when the supporter rotates the address (generation + 1: every older token answers 410) or when the
 * feed is flagged as shared. The token itself is never stored.
 */
export const privateFeeds = pgTable(
  "private_feeds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    supporterId: uuid("supporter_id")
      .notNull()
      .references(() => supporters.id, { onDelete: "cascade" }),
    showId: uuid("show_id")
      .notNull()
      .references(() => shows.id, { onDelete: "cascade" }),
    /** Bumped by each rotation; part of the HMAC input, so a rotation retires every earlier address at once. */
    generation: integer("generation").notNull().default(0),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    /** Set when one address was fetched by more distinct listeners in 24 h than ADR 028's threshold. */
    sharedFlaggedAt: timestamp("shared_flagged_at", { withTimezone: true }),
    /** How many distinct listener keys were seen when it was flagged. */
    sharedListenerCount: integer("shared_listener_count"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("private_feeds_supporter_show_idx").on(t.supporterId, t.showId),
    index("private_feeds_workspace_idx").on(t.workspaceId, t.sharedFlaggedAt),
  ],
);

/**
 * Who fetched a private feed: one row per listener key (the analytics key, ADR 019: HMAC of IP prefix and user
 * agent under the day's salt; no address stored) per supporter and show, for sharing detection. Rows older than
 * two days are deleted by the next fetch of the same feed.
 */
export const privateFeedFetches = pgTable(
  "private_feed_fetches",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    supporterId: uuid("supporter_id")
      .notNull()
      .references(() => supporters.id, { onDelete: "cascade" }),
    showId: uuid("show_id")
      .notNull()
      .references(() => shows.id, { onDelete: "cascade" }),
    listenerKey: text("listener_key").notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.supporterId, t.showId, t.listenerKey] }),
    index("private_feed_fetches_seen_idx").on(t.supporterId, t.showId, t.firstSeenAt),
  ],
);
