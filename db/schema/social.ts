import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { mediaObjects } from "./media";
import { workspaces } from "./workspaces";

/**
 * instagram: a professional account connected through Instagram's OAuth; sandbox: a local stand-in that runs
 * through the same publishing pipeline and "publishes" to the in-app sandbox feed (sandbox_media).
 */
export const SOCIAL_PROVIDERS = ["instagram", "sandbox"] as const;
export type SocialProvider = (typeof SOCIAL_PROVIDERS)[number];

/** needs_reconnect: the token could not be refreshed (or was rejected); posts wait until the owner reconnects. */
export const SOCIAL_ACCOUNT_STATUSES = ["active", "needs_reconnect", "disconnected"] as const;
export type SocialAccountStatus = (typeof SOCIAL_ACCOUNT_STATUSES)[number];

/**
 * A connected social account. The access token is stored only encrypted (AES-GCM, `<keyVersion>.<iv>.<data>`,
 * see server/services/social/token-crypto.ts). Disconnecting clears the token and keeps the row, so the
 * account's post history stays readable; reconnecting the same remote account reuses the row.
 */
export const socialAccounts = pgTable(
  "social_accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: SOCIAL_PROVIDERS }).notNull(),
    /** The provider's user id (Instagram professional account id; a generated id for sandbox accounts). */
    externalId: text("external_id").notNull(),
    username: text("username").notNull(),
    displayName: text("display_name"),
    profilePictureUrl: text("profile_picture_url"),
    followersCount: integer("followers_count"),
    followsCount: integer("follows_count"),
    mediaCount: integer("media_count"),
    status: text("status", { enum: SOCIAL_ACCOUNT_STATUSES }).notNull().default("active"),
    /** Why the account needs reconnecting (the refresh or API error), shown to members. */
    statusReason: text("status_reason"),
    accessTokenEncrypted: text("access_token_encrypted"),
    /** When the current long-lived token was obtained (initial exchange or last refresh). */
    tokenIssuedAt: timestamp("token_issued_at", { withTimezone: true }),
    tokenExpiresAt: timestamp("token_expires_at", { withTimezone: true }),
    lastRefreshAttemptAt: timestamp("last_refresh_attempt_at", { withTimezone: true }),
    lastRefreshError: text("last_refresh_error"),
    /** Set when the owner was told the account needs reconnecting; cleared on reconnect, so it is said once. */
    reconnectNotifiedAt: timestamp("reconnect_notified_at", { withTimezone: true }),
    lastSyncedAt: timestamp("last_synced_at", { withTimezone: true }),
    /** When the last "Sync now" was accepted: the cooldown counts from here, so clicks during a sync are refused. */
    syncRequestedAt: timestamp("sync_requested_at", { withTimezone: true }),
    lastSyncError: text("last_sync_error"),
    /** Account-level analytics computed by the last sync (totals, averages, best-time evidence). */
    analytics: jsonb("analytics").$type<Record<string, unknown>>(),
    analyticsUpdatedAt: timestamp("analytics_updated_at", { withTimezone: true }),
    /** Publishing quota from content_publishing_limit (posts per rolling 24 h), as last read. */
    publishQuotaUsage: integer("publish_quota_usage"),
    publishQuotaTotal: integer("publish_quota_total"),
    publishQuotaCheckedAt: timestamp("publish_quota_checked_at", { withTimezone: true }),
    /** Sandbox only: failures to inject on demand (see server/services/social/sandbox.ts). */
    sandboxBehaviour: jsonb("sandbox_behaviour").$type<Record<string, unknown>>(),
    connectedBy: uuid("connected_by").references(() => users.id, { onDelete: "set null" }),
    connectedAt: timestamp("connected_at", { withTimezone: true }).notNull().defaultNow(),
    disconnectedAt: timestamp("disconnected_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("social_accounts_remote_idx").on(t.workspaceId, t.provider, t.externalId),
    index("social_accounts_token_expiry_idx").on(t.status, t.tokenExpiresAt),
  ],
);

/**
 * A pending OAuth authorisation: `state` is sent to the provider and must come back unchanged, once, before it
 * expires, for the member who started it.
 */
export const socialOauthStates = pgTable("social_oauth_states", {
  stateHash: text("state_hash").primaryKey(),
  workspaceId: uuid("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  provider: text("provider", { enum: SOCIAL_PROVIDERS }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const SOCIAL_POST_TYPES = ["image", "carousel", "reel"] as const;
export type SocialPostType = (typeof SOCIAL_POST_TYPES)[number];

/**
 * draft → scheduled → queued (claimed by the cron, one UPDATE … RETURNING) → publishing (the consumer owns it)
 * → published | failed. canceled from draft/scheduled. A deferred post goes back to scheduled with a later
 * `next_attempt_at`; `publish_requested_at` set and no remote id means the outcome is unknown and must be
 * reconciled against the account's recent media before anything is retried.
 */
export const SOCIAL_POST_STATUSES = [
  "draft",
  "scheduled",
  "queued",
  "publishing",
  "published",
  "failed",
  "canceled",
] as const;
export type SocialPostStatus = (typeof SOCIAL_POST_STATUSES)[number];

export const socialPosts = pgTable(
  "social_posts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    accountId: uuid("account_id").references(() => socialAccounts.id, { onDelete: "set null" }),
    type: text("type", { enum: SOCIAL_POST_TYPES }).notNull().default("image"),
    caption: text("caption").notNull().default(""),
    status: text("status", { enum: SOCIAL_POST_STATUSES }).notNull().default("draft"),
    /** The instant to publish (UTC). */
    scheduledAt: timestamp("scheduled_at", { withTimezone: true }),
    /** The IANA zone the author scheduled in; the calendar shows the post at its local time there. */
    timezone: text("timezone").notNull().default("UTC"),
    /** Not before this instant (a deferral or a retry's backoff); null means at scheduled_at. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    /** Sent with the queue message; the consumer ignores a message whose key is not the post's current one. */
    idempotencyKey: uuid("idempotency_key"),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    /** Remote container id (Instagram's creation_id) once created, reused across retries. */
    containerId: text("container_id"),
    containerStatus: text("container_status"),
    /** When the current container was created: a container still processing after a while fails the post. */
    containerCreatedAt: timestamp("container_created_at", { withTimezone: true }),
    /** Set just before the publish call: from then on the outcome is unknown until the remote id is recorded. */
    publishRequestedAt: timestamp("publish_requested_at", { withTimezone: true }),
    remoteMediaId: text("remote_media_id"),
    permalink: text("permalink"),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    /** The last failure or deferral reason, in the provider's words where it gave some. */
    lastError: text("last_error"),
    errorKind: text("error_kind", { enum: ["transient", "permanent", "deferred", "reconnect"] }),
    /** What the post was made from, for caption suggestions: a transcript or an episode. */
    sourceType: text("source_type", { enum: ["transcript", "episode"] }),
    sourceId: uuid("source_id"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("social_posts_due_idx").on(t.status, t.scheduledAt),
    index("social_posts_workspace_idx").on(t.workspaceId, t.scheduledAt),
    index("social_posts_account_idx").on(t.accountId, t.status),
    uniqueIndex("social_posts_remote_idx").on(t.accountId, t.remoteMediaId),
  ],
);

/** The library files of a post, in order (one for image/reel, 2–10 for a carousel). */
export const socialPostMedia = pgTable(
  "social_post_media",
  {
    postId: uuid("post_id")
      .notNull()
      .references(() => socialPosts.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    mediaId: uuid("media_id")
      .notNull()
      .references(() => mediaObjects.id, { onDelete: "restrict" }),
    /** Carousel child container id once created, reused across retries. */
    containerId: text("container_id"),
  },
  (t) => [primaryKey({ columns: [t.postId, t.position] }), index("social_post_media_media_idx").on(t.mediaId)],
);

/**
 * API calls per account per UTC hour, and the highest usage percentage Meta reported in its usage headers
 * (X-App-Usage, X-Business-Use-Case-Usage) during that hour. The pipeline defers when it is near the limit.
 */
export const socialApiUsage = pgTable(
  "social_api_usage",
  {
    accountId: uuid("account_id")
      .notNull()
      .references(() => socialAccounts.id, { onDelete: "cascade" }),
    hourStart: timestamp("hour_start", { withTimezone: true }).notNull(),
    calls: integer("calls").notNull().default(0),
    maxUsagePercent: integer("max_usage_percent").notNull().default(0),
    /** Seconds Meta asked us to wait (estimated_time_to_regain_access), when it said so. */
    regainAccessAt: timestamp("regain_access_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.hourStart] })],
);

/** An account's recent media as synced from the provider, with insights. Upserted by (account, remote id). */
export const socialMediaItems = pgTable(
  "social_media_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => socialAccounts.id, { onDelete: "cascade" }),
    remoteId: text("remote_id").notNull(),
    mediaType: text("media_type").notNull(),
    mediaProductType: text("media_product_type"),
    caption: text("caption"),
    permalink: text("permalink"),
    mediaUrl: text("media_url"),
    thumbnailUrl: text("thumbnail_url"),
    postedAt: timestamp("posted_at", { withTimezone: true }).notNull(),
    likeCount: integer("like_count"),
    commentsCount: integer("comments_count"),
    saved: integer("saved"),
    reach: integer("reach"),
    impressions: integer("impressions"),
    /** (likes + comments + saves) / reach, or null without reach. */
    engagementRate: real("engagement_rate"),
    insightsUpdatedAt: timestamp("insights_updated_at", { withTimezone: true }),
    syncedAt: timestamp("synced_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("social_media_items_remote_idx").on(t.accountId, t.remoteId),
    index("social_media_items_workspace_idx").on(t.workspaceId, t.postedAt),
  ],
);

/**
 * The Sandbox provider's side of the wire: containers it was asked to create and media it "published". The
 * sandbox feed page lists sandbox_media; syncing a sandbox account reads it like Instagram's media list.
 */
export const sandboxContainers = pgTable("sandbox_containers", {
  id: text("id").primaryKey(),
  accountId: uuid("account_id")
    .notNull()
    .references(() => socialAccounts.id, { onDelete: "cascade" }),
  mediaType: text("media_type").notNull(),
  caption: text("caption"),
  /** Media keys or child container ids it was made from. */
  sources: jsonb("sources").$type<string[]>().notNull(),
  /** IN_PROGRESS until `ready_at`, then FINISHED (or ERROR/EXPIRED when the sandbox was asked to fail). */
  status: text("status").notNull(),
  errorMessage: text("error_message"),
  readyAt: timestamp("ready_at", { withTimezone: true }).notNull(),
  publishedMediaId: text("published_media_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const sandboxMedia = pgTable(
  "sandbox_media",
  {
    id: text("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => socialAccounts.id, { onDelete: "cascade" }),
    containerId: text("container_id").notNull().unique(),
    mediaType: text("media_type").notNull(),
    caption: text("caption"),
    /** Library media ids shown in the sandbox feed. */
    mediaIds: jsonb("media_ids").$type<string[]>().notNull(),
    likeCount: integer("like_count").notNull().default(0),
    commentsCount: integer("comments_count").notNull().default(0),
    saved: integer("saved").notNull().default(0),
    reach: integer("reach").notNull().default(0),
    impressions: integer("impressions").notNull().default(0),
    publishedAt: timestamp("published_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sandbox_media_account_idx").on(t.accountId, t.publishedAt)],
);
