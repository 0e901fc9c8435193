import { sql } from "drizzle-orm";
import {
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
import { supporters, contentVisibilityColumns } from "./audience";
import { events } from "./events";
import { users } from "./auth";
import { workspaces } from "./workspaces";

/**
 * Posts a creator writes for their audience, and the newsletter copies sent of them (ADR 026). Who may read a post
 * is the shared gate's decision over `visibility`/`visibility_tier_ids` (ADR 022); comments (ADR 027) point at
 * `posts.id`.
 */

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const POST_STATUSES = ["draft", "scheduled", "published"] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/** none: never asked; pending: asked, waits for the post to go live; sending: deliveries queued; sent: all settled. */
export const NEWSLETTER_STATES = ["none", "pending", "sending", "sent"] as const;
export type NewsletterState = (typeof NEWSLETTER_STATES)[number];

export const posts = pgTable(
  "posts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    /** Cosmetic part of the public URL (the id is the key), from the title. */
    slug: text("slug").notNull(),
    /** The body as stored: sanitised server-side by the allow-list (server/services/posts/sanitise.ts). */
    bodyHtml: text("body_html").notNull().default(""),
    /** The editor's own document, to reopen it as written; never rendered to readers. */
    bodyJson: jsonb("body_json").$type<unknown>(),
    /** Plain text shown to everyone, readers without access included; never derived from a gated body at read time. */
    excerpt: text("excerpt").notNull().default(""),
    /**
     * Media files and episodes the body references, checked to be this workspace's at every save: the media route
     * serves a post's files only if they are listed here and the reader passes the gate.
     */
    mediaIds: uuid("media_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    episodeIds: uuid("episode_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    ...contentVisibilityColumns(),
    /** visibility = ticket_holders: the event whose valid tickets open it (an event's recording, ADR 034). */
    visibilityEventId: uuid("visibility_event_id").references(() => events.id),
    status: text("status", { enum: POST_STATUSES }).notNull().default("draft"),
    /** When a scheduled post goes live; the publish cron flips it at or after this time. */
    publishAt: timestamp("publish_at", { withTimezone: true }),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    /** Why the last scheduled publish did not happen (shown on the post); cleared when it goes live. */
    publishError: text("publish_error"),
    newsletterState: text("newsletter_state", { enum: NEWSLETTER_STATES }).notNull().default("none"),
    newsletterRequestedAt: timestamp("newsletter_requested_at", { withTimezone: true }),
    newsletterSentAt: timestamp("newsletter_sent_at", { withTimezone: true }),
    /** Gated bodies are searchable by the team; public search reads snippets from it only for viewers with access. */
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`to_tsvector('simple', coalesce("title", '') || ' ' || coalesce("excerpt", '') || ' ' || regexp_replace(coalesce("body_html", ''), '<[^>]*>', ' ', 'g'))`,
      ),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("posts_workspace_idx").on(t.workspaceId, t.status, t.createdAt),
    index("posts_workspace_published_idx").on(t.workspaceId, t.publishedAt),
    index("posts_due_idx").on(t.status, t.publishAt),
    index("posts_search_idx").using("gin", t.search),
    index("posts_visibility_event_idx").on(t.visibilityEventId),
    // Ticket-holder content names its event, and only it does (the gate would otherwise open it to nobody, or keep
    // a stale event after the creator chose another audience).
    check(
      "posts_visibility_event_check",
      sql`(${t.visibility} = 'ticket_holders') = (${t.visibilityEventId} is not null)`,
    ),
  ],
);

export const NEWSLETTER_DELIVERY_STATUSES = ["queued", "sent", "failed", "bounced", "unsubscribed"] as const;
export type NewsletterDeliveryStatus = (typeof NEWSLETTER_DELIVERY_STATUSES)[number];

/**
 * One newsletter copy of a post for one supporter: the per-recipient outbox row (ADR 005 applied to newsletters,
 * ADR 026). The unique (post, user) pair makes a repeated "send" or a redelivered queue message mail nobody twice.
 * The body is rendered at send time, so neither the post's text nor the unsubscribe link is copied per recipient.
 */
export const newsletterDeliveries = pgTable(
  "newsletter_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    postId: uuid("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    supporterId: uuid("supporter_id")
      .notNull()
      .references(() => supporters.id, { onDelete: "cascade" }),
    /** The address at the time of sending (the user's email). */
    email: text("email").notNull(),
    status: text("status", { enum: NEWSLETTER_DELIVERY_STATUSES }).notNull().default("queued"),
    /** Why it failed, bounced or was skipped, in words for the creator. */
    reason: text("reason"),
    attempts: integer("attempts").notNull().default(0),
    /** Set while a consumer is sending this copy; a claim older than a few minutes is a crashed run's. */
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    providerMessageId: text("provider_message_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("newsletter_deliveries_post_user_idx").on(t.postId, t.userId),
    index("newsletter_deliveries_post_status_idx").on(t.postId, t.status),
    index("newsletter_deliveries_workspace_idx").on(t.workspaceId),
    index("newsletter_deliveries_user_idx").on(t.userId),
  ],
);
