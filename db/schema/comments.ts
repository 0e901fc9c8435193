import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { supporters } from "./audience";
import { users } from "./auth";
import { episodes } from "./podcasts";
import { posts } from "./posts";
import { workspaces } from "./workspaces";

/**
 * Threaded comments on a creator's content (ADR 027). Who may read a thread is the target's own gate
 * (server/services/audience/gate.ts); who may write is that gate and then the comment setting below.
 */

/** What a comment is on; each kind has its own nullable foreign key, exactly one of them set. */
export const COMMENT_TARGET_KINDS = ["episode", "post"] as const;
export type CommentTargetKind = (typeof COMMENT_TARGET_KINDS)[number];

/** `deleted` keeps the row (and so the thread's shape) with its body erased; `hidden` is the creator's call. */
export const COMMENT_STATUSES = ["visible", "hidden", "deleted"] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

export const comments = pgTable(
  "comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    targetKind: text("target_kind", { enum: COMMENT_TARGET_KINDS }).notNull(),
    episodeId: uuid("episode_id").references(() => episodes.id, { onDelete: "cascade" }),
    postId: uuid("post_id").references(() => posts.id, { onDelete: "cascade" }),
    /** Null once the person is erased: the thread keeps its shape and shows "[deleted]". */
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    /** The author's audience relationship; null when a team member wrote it (as the creator). */
    supporterId: uuid("supporter_id").references(() => supporters.id, { onDelete: "set null" }),
    /** Written by a team member: shown with the creator badge. */
    asCreator: boolean("as_creator").notNull().default(false),
    parentId: uuid("parent_id").references((): AnyPgColumn => comments.id, { onDelete: "cascade" }),
    /** The thread's top comment (its own id for a top comment): a page of roots loads every reply in one query. */
    rootId: uuid("root_id").notNull(),
    /** 0 for a top comment. */
    depth: integer("depth").notNull(),
    /**
     * Materialised path: the parent's path plus this comment's sort key (creation time, then id). Ordering a
     * thread by it gives depth-first order with each comment's replies oldest first.
     */
    path: text("path").notNull(),
    /** Plain text; links are found when it is shown. Emptied when the comment is deleted. */
    body: text("body").notNull(),
    status: text("status", { enum: COMMENT_STATUSES }).notNull().default("visible"),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    hiddenAt: timestamp("hidden_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    /** Who deleted it: the author or a moderator (the moderation list says which). */
    deletedBy: uuid("deleted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      "comments_one_target",
      sql`((${t.targetKind} = 'episode') = (${t.episodeId} is not null)) and ((${t.targetKind} = 'post') = (${t.postId} is not null))`,
    ),
    index("comments_episode_roots_idx").on(t.workspaceId, t.episodeId, t.depth, t.createdAt),
    index("comments_post_roots_idx").on(t.workspaceId, t.postId, t.depth, t.createdAt),
    index("comments_thread_idx").on(t.rootId, t.path),
    index("comments_author_idx").on(t.workspaceId, t.authorUserId, t.createdAt),
    index("comments_workspace_idx").on(t.workspaceId, t.createdAt),
    index("comments_parent_idx").on(t.parentId),
  ],
);

export const COMMENT_REPORT_REASONS = ["spam", "abuse", "off_topic", "other"] as const;
export type CommentReportReason = (typeof COMMENT_REPORT_REASONS)[number];

export const COMMENT_REPORT_STATUSES = ["open", "resolved", "dismissed"] as const;
export type CommentReportStatus = (typeof COMMENT_REPORT_STATUSES)[number];

/** A reader's report of a comment to the creator; one per reader per comment. */
export const commentReports = pgTable(
  "comment_reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    commentId: uuid("comment_id")
      .notNull()
      .references(() => comments.id, { onDelete: "cascade" }),
    reporterUserId: uuid("reporter_user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: COMMENT_REPORT_REASONS }).notNull(),
    note: text("note").notNull().default(""),
    status: text("status", { enum: COMMENT_REPORT_STATUSES }).notNull().default("open"),
    resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("comment_reports_reporter_idx").on(t.commentId, t.reporterUserId),
    index("comment_reports_workspace_idx").on(t.workspaceId, t.status, t.createdAt),
  ],
);

/** Who may write comments: any member of the audience, only chosen tiers, or nobody. */
export const COMMENT_OPEN_TO = ["members", "tiers", "off"] as const;
export type CommentOpenTo = (typeof COMMENT_OPEN_TO)[number];

export const COMMENT_SETTING_SCOPES = ["workspace", "episode", "post"] as const;
export type CommentSettingScope = (typeof COMMENT_SETTING_SCOPES)[number];

/**
 * The workspace's default (scope = workspace; without a row: members) and per-target overrides. A target's
 * override wins over the default.
 */
export const commentSettings = pgTable(
  "comment_settings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    scope: text("scope", { enum: COMMENT_SETTING_SCOPES }).notNull(),
    episodeId: uuid("episode_id").references(() => episodes.id, { onDelete: "cascade" }),
    postId: uuid("post_id").references(() => posts.id, { onDelete: "cascade" }),
    openTo: text("open_to", { enum: COMMENT_OPEN_TO }).notNull(),
    /** open_to = tiers: which tiers may write. */
    tierIds: uuid("tier_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      "comment_settings_scope_target",
      sql`((${t.scope} = 'episode') = (${t.episodeId} is not null)) and ((${t.scope} = 'post') = (${t.postId} is not null))`,
    ),
    uniqueIndex("comment_settings_workspace_idx")
      .on(t.workspaceId)
      .where(sql`${t.scope} = 'workspace'`),
    uniqueIndex("comment_settings_episode_idx")
      .on(t.episodeId)
      .where(sql`${t.episodeId} is not null`),
    uniqueIndex("comment_settings_post_idx")
      .on(t.postId)
      .where(sql`${t.postId} is not null`),
  ],
);
