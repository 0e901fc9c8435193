import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { contentVisibilityColumns } from "./audience";
import { events } from "./events";
import { mediaObjects } from "./media";
import { workspaces } from "./workspaces";

export const shows = pgTable(
  "shows",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    artworkMediaId: uuid("artwork_media_id").references(() => mediaObjects.id, { onDelete: "set null" }),
    /** An Apple Podcasts category, e.g. "Technology" or "Society & Culture". */
    category: text("category").notNull().default("Technology"),
    /** BCP 47 language tag, e.g. "en" or "pt-BR". */
    language: text("language").notNull().default("en"),
    author: text("author").notNull().default(""),
    explicit: boolean("explicit").notNull().default(false),
    /** itunes:owner's email, where directories send ownership checks; set to the workspace owner's at creation. */
    ownerEmail: text("owner_email"),
    /**
     * podcast:guid: UUIDv5 of the feed URL, fixed at creation so it survives a later change of domain. Null for shows
     * made before it existed, which get it computed from today's feed URL (and stored on their next edit).
     */
    podcastGuid: uuid("podcast_guid"),
    /** podcast:locked: whether other hosting platforms may import this feed (yes = refuse). */
    locked: boolean("locked").notNull().default(true),
    /**
     * Machine transcripts and chapters of this show's episodes go public without review (ADR 020). Off: each waits
     * for the creator's approval (transcripts.transcript_published_at / chapters_published_at).
     */
    autoPublishTranscripts: boolean("auto_publish_transcripts").notNull().default(false),
    /** "Listen on" links for the public pages: [{ platform, label, url }] (server/services/podcasts/listen-links.ts). */
    listenLinks: jsonb("listen_links")
      .$type<{ platform: string; label: string; url: string }[]>()
      .notNull()
      .default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("shows_workspace_idx").on(t.workspaceId, t.createdAt)],
);

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const EPISODE_STATUSES = ["draft", "scheduled", "published"] as const;
export type EpisodeStatus = (typeof EPISODE_STATUSES)[number];

export const EPISODE_TYPES = ["full", "trailer", "bonus"] as const;
export type EpisodeType = (typeof EPISODE_TYPES)[number];

export const episodes = pgTable(
  "episodes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    showId: uuid("show_id")
      .notNull()
      .references(() => shows.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** Show notes (plain text with URLs). */
    description: text("description").notNull().default(""),
    episodeNumber: integer("episode_number"),
    seasonNumber: integer("season_number"),
    status: text("status", { enum: EPISODE_STATUSES }).notNull().default("draft"),
    /** When a scheduled episode goes live; the publish cron flips it to published at or after this time. */
    publishAt: timestamp("publish_at", { withTimezone: true }),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    audioMediaId: uuid("audio_media_id").references(() => mediaObjects.id, { onDelete: "set null" }),
    durationSeconds: integer("duration_seconds"),
    /** itunes:episodeType, chosen by the creator. */
    episodeType: text("episode_type", { enum: EPISODE_TYPES }).notNull().default("full"),
    /** Who may listen (ADR 022 gate, ADR 028): only `public` episodes reach the public feed, pages' audio and files. */
    ...contentVisibilityColumns(),
    /** visibility = ticket_holders: the event whose valid tickets open it (an event's recording, ADR 034). */
    visibilityEventId: uuid("visibility_event_id").references(() => events.id),
    /** What a gated episode's public page shows instead of its show notes; never the notes themselves. */
    teaser: text("teaser").notNull().default(""),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('simple', coalesce("title", '') || ' ' || coalesce("description", ''))`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("episodes_search_idx").using("gin", t.search),
    index("episodes_show_idx").on(t.workspaceId, t.showId, t.publishedAt),
    index("episodes_due_idx").on(t.status, t.publishAt),
    index("episodes_visibility_event_idx").on(t.visibilityEventId),
    // Ticket-holder content names its event, and only it does (the gate would otherwise open it to nobody, or keep
    // a stale event after the creator chose another audience).
    check(
      "episodes_visibility_event_check",
      sql`(${t.visibility} = 'ticket_holders') = (${t.visibilityEventId} is not null)`,
    ),
    // Numbered episodes are unique per show and season; no season counts as one season (NULLs would all differ).
    uniqueIndex("episodes_number_idx")
      .on(t.showId, sql`coalesce(${t.seasonNumber}, 0)`, t.episodeNumber)
      .where(sql`${t.episodeNumber} is not null`),
  ],
);
