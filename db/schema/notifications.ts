import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { workspaces } from "./workspaces";

export const NOTIFICATION_KINDS = [
  "social.post_published",
  "social.post_failed",
  "social.account_needs_reconnect",
  "billing.welcome",
  "billing.past_due",
  "comments.new",
  "comments.reply",
  "audience.private_feed_shared",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * In-app notifications, one row per recipient. `dedupe_key` makes notifying idempotent: a redelivered job that
 * notifies again finds the row and neither inserts nor emails twice.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** Path inside the app the notification points to. */
    link: text("link"),
    dedupeKey: text("dedupe_key").notNull(),
    emailed: boolean("emailed").notNull().default(false),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("notifications_dedupe_idx").on(t.userId, t.dedupeKey),
    index("notifications_user_idx").on(t.userId, t.workspaceId, t.createdAt),
  ],
);
