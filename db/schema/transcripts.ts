import { sql } from "drizzle-orm";
import { customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { episodes } from "./podcasts";
import { mediaObjects } from "./media";
import { workspaces } from "./workspaces";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * waiting_for_provider: no transcription provider is configured; the job starts when one is.
 * queued -> transcribing (with progress) -> done | failed (with the reason; a retry puts it back to queued).
 */
export const TRANSCRIPTION_STATUSES = ["waiting_for_provider", "queued", "transcribing", "done", "failed"] as const;
export type TranscriptionStatus = (typeof TRANSCRIPTION_STATUSES)[number];

/** At most one job per media object: a duplicated or redelivered message finds the same row. */
export const transcriptionJobs = pgTable(
  "transcription_jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    mediaId: uuid("media_id")
      .notNull()
      .unique()
      .references(() => mediaObjects.id, { onDelete: "cascade" }),
    status: text("status", { enum: TRANSCRIPTION_STATUSES }).notNull().default("queued"),
    /** 0-100, advanced per transcribed chunk. */
    progress: integer("progress").notNull().default(0),
    /** Requested language (BCP 47) or null to let the provider detect it. */
    language: text("language"),
    provider: text("provider"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("transcription_jobs_workspace_idx").on(t.workspaceId, t.createdAt),
    index("transcription_jobs_status_idx").on(t.status),
  ],
);

export const SUMMARY_KINDS = ["llm", "extractive"] as const;

/** One transcript per media object; segments hold the timed text. */
export const transcripts = pgTable(
  "transcripts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    mediaId: uuid("media_id")
      .notNull()
      .unique()
      .references(() => mediaObjects.id, { onDelete: "cascade" }),
    episodeId: uuid("episode_id").references(() => episodes.id, { onDelete: "set null" }),
    language: text("language"),
    provider: text("provider").notNull(),
    summary: text("summary"),
    /** "llm" when a model wrote the summary, show notes and chapters; "extractive" for the offline fallback. */
    summaryKind: text("summary_kind", { enum: SUMMARY_KINDS }),
    showNotes: text("show_notes"),
    /** Podcasting 2.0 chapters: start time and title, in order. */
    chapters: jsonb("chapters").$type<{ startMs: number; title: string }[]>(),
    /**
     * When the creator approved the text (or chapters) for the public episode page and feed; null keeps it private
     * unless the show auto-publishes. A new transcription clears both, new chapters clear the chapters' (ADR 020).
     */
    transcriptPublishedAt: timestamp("transcript_published_at", { withTimezone: true }),
    chaptersPublishedAt: timestamp("chapters_published_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("transcripts_workspace_idx").on(t.workspaceId, t.createdAt)],
);

export const transcriptSegments = pgTable(
  "transcript_segments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Denormalised so search filters by tenant without a join. */
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    transcriptId: uuid("transcript_id")
      .notNull()
      .references(() => transcripts.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    startMs: integer("start_ms").notNull(),
    endMs: integer("end_ms").notNull(),
    speaker: text("speaker"),
    text: text("text").notNull(),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('simple', coalesce("text", ''))`),
  },
  (t) => [
    uniqueIndex("transcript_segments_position_idx").on(t.transcriptId, t.position),
    index("transcript_segments_search_idx").using("gin", t.search),
    index("transcript_segments_workspace_idx").on(t.workspaceId),
  ],
);
