import { and, desc, eq, gte, isNotNull, isNull, notInArray, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { socialAccounts, socialMediaItems, socialPosts } from "../../../db/schema";
import { enqueueJobs, type QueueProducer } from "../platform/jobs";
import { markAccountNeedsReconnect } from "./accounts";
import { computeBestTimes, loadEngagementSamples, type BestTimes, type EngagementSample } from "./best-time";
import {
  SocialProviderError,
  type ProviderProfile,
  type RemoteInsights,
  type RemoteMedia,
  type SocialPublisher,
} from "./provider";

/** Media posted within this many days is synced; older posts keep their last synced numbers. */
const SYNC_WINDOW_DAYS = 90;
/** Pages of media read per sync at most, so one account with a huge backlog cannot run forever. */
const SYNC_MAX_PAGES = 8;
const SYNC_PAGE_SIZE = 25;
/** How many posts the analytics list as top posts. */
const TOP_POSTS = 5;
/** Queues takes at most 100 messages per sendBatch. */
const QUEUE_BATCH_SIZE = 100;

type Account = typeof socialAccounts.$inferSelect;

export interface TopPost {
  remoteId: string;
  permalink: string | null;
  caption: string | null;
  mediaType: string;
  postedAt: string;
  likes: number | null;
  comments: number | null;
  saved: number | null;
  reach: number | null;
  impressions: number | null;
  engagementRate: number | null;
}

/** What social_accounts.analytics holds: computed by each successful sync from the synced media. */
export interface AccountAnalytics {
  windowDays: number;
  computedAt: string;
  followers: number | null;
  mediaCount: number | null;
  /** Posts in the window that were synced. */
  posts: number;
  totals: { likes: number; comments: number; saved: number; reach: number; impressions: number };
  averages: {
    likes: number | null;
    comments: number | null;
    saved: number | null;
    reach: number | null;
    impressions: number | null;
  };
  /** Mean of the posts' engagement rates, over posts with a reach. */
  averageEngagementRate: number | null;
  topPosts: TopPost[];
  /** Best times in UTC; the analytics page recomputes them in the member's zone. */
  bestTimes: BestTimes;
}

export type SyncResult =
  | { status: "synced"; media: number; pages: number; emailIds: [] }
  | { status: "failed"; kind: SocialProviderError["kind"]; message: string; emailIds: [] }
  | { status: "needs_reconnect"; message: string; emailIds: string[] };

/** (likes + comments + saves) / reach; null without a reach or without any interaction counts. */
function engagementRateOf(m: {
  likes: number | null;
  comments: number | null;
  saved: number | null;
  reach: number | null;
}): number | null {
  if (!m.reach || m.reach <= 0) return null;
  if (m.likes === null && m.comments === null && m.saved === null) return null;
  return ((m.likes ?? 0) + (m.comments ?? 0) + (m.saved ?? 0)) / m.reach;
}

interface SyncedMedia {
  media: RemoteMedia;
  insights: RemoteInsights | null;
}

/**
 * Newest first, page by page, until the window, the page limit or the end of the list. `seenSince` is how far
 * back the read is complete: the window start when it got there, else the oldest post read (the page limit cut it).
 */
async function readRecentMedia(publisher: SocialPublisher, windowStart: Date, maxPages: number) {
  const items: RemoteMedia[] = [];
  let after: string | null = null;
  let pages = 0;
  let complete = false;
  while (pages < maxPages) {
    const page = await publisher.listMedia({ after, limit: SYNC_PAGE_SIZE });
    pages += 1;
    const inWindow = page.items.filter((m) => m.timestamp >= windowStart);
    items.push(...inWindow);
    if (!page.after || inWindow.length < page.items.length) {
      complete = true;
      break;
    }
    after = page.after;
  }
  const oldest = items.reduce<Date | null>((min, m) => (min === null || m.timestamp < min ? m.timestamp : min), null);
  const seenSince = complete ? windowStart : oldest ? new Date(oldest.getTime() + 1) : null;
  return { items, pages, seenSince };
}

/**
 * Insights of one post. Instagram refuses insights for some media (posts from before the account turned
 * professional, some product types) with a permanent error: that post keeps its counts without insights rather
 * than failing the whole sync. Any other error (token, throttling, outage) stops the sync.
 */
async function readInsights(publisher: SocialPublisher, media: RemoteMedia): Promise<RemoteInsights | null> {
  try {
    return await publisher.getInsights({
      id: media.id,
      mediaType: media.mediaType,
      mediaProductType: media.mediaProductType,
    });
  } catch (error) {
    if (error instanceof SocialProviderError && error.kind === "permanent") return null;
    throw error;
  }
}

function mediaRow(account: Account, { media, insights }: SyncedMedia, now: Date) {
  const likes = insights?.likes ?? media.likeCount;
  const comments = insights?.comments ?? media.commentsCount;
  const saved = insights?.saved ?? null;
  const reach = insights?.reach ?? null;
  return {
    workspaceId: account.workspaceId,
    accountId: account.id,
    remoteId: media.id,
    mediaType: media.mediaType,
    mediaProductType: media.mediaProductType,
    caption: media.caption,
    permalink: media.permalink,
    mediaUrl: media.mediaUrl,
    thumbnailUrl: media.thumbnailUrl,
    postedAt: media.timestamp,
    likeCount: likes,
    commentsCount: comments,
    saved,
    reach,
    impressions: insights?.impressions ?? null,
    engagementRate: engagementRateOf({ likes, comments, saved, reach }),
    insightsUpdatedAt: insights ? now : null,
    syncedAt: now,
  };
}

const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length);
const present = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
const sum = (values: (number | null)[]) => present(values).reduce((total, v) => total + v, 0);

/** Account analytics from the synced rows of the window (the cached copy the analytics page reads). */
function computeAccountAnalytics(opts: {
  rows: (typeof socialMediaItems.$inferSelect)[];
  /** The posts of the (longer) best-time window. */
  bestTimeSamples: EngagementSample[];
  profile: Pick<ProviderProfile, "followersCount" | "mediaCount">;
  now: Date;
}): AccountAnalytics {
  const { rows } = opts;
  const column = <K extends "likeCount" | "commentsCount" | "saved" | "reach" | "impressions">(key: K) =>
    rows.map((r) => r[key]);
  const topPosts = [...rows]
    .sort(
      (a, b) =>
        (b.engagementRate ?? -1) - (a.engagementRate ?? -1) ||
        sum([b.likeCount, b.commentsCount, b.saved]) - sum([a.likeCount, a.commentsCount, a.saved]) ||
        b.postedAt.getTime() - a.postedAt.getTime(),
    )
    .slice(0, TOP_POSTS)
    .map((r): TopPost => ({
      remoteId: r.remoteId,
      permalink: r.permalink,
      caption: r.caption && r.caption.length > 140 ? `${r.caption.slice(0, 139)}…` : r.caption,
      mediaType: r.mediaType,
      postedAt: r.postedAt.toISOString(),
      likes: r.likeCount,
      comments: r.commentsCount,
      saved: r.saved,
      reach: r.reach,
      impressions: r.impressions,
      engagementRate: r.engagementRate,
    }));
  return {
    windowDays: SYNC_WINDOW_DAYS,
    computedAt: opts.now.toISOString(),
    followers: opts.profile.followersCount,
    mediaCount: opts.profile.mediaCount,
    posts: rows.length,
    totals: {
      likes: sum(column("likeCount")),
      comments: sum(column("commentsCount")),
      saved: sum(column("saved")),
      reach: sum(column("reach")),
      impressions: sum(column("impressions")),
    },
    averages: {
      likes: mean(present(column("likeCount"))),
      comments: mean(present(column("commentsCount"))),
      saved: mean(present(column("saved"))),
      reach: mean(present(column("reach"))),
      impressions: mean(present(column("impressions"))),
    },
    averageEngagementRate: mean(present(rows.map((r) => r.engagementRate))),
    topPosts,
    bestTimes: computeBestTimes({ samples: opts.bestTimeSamples, timezone: "UTC" }),
  };
}

const providerMessage = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * Syncs one account: reads its profile and the media of the last SYNC_WINDOW_DAYS by cursor with each post's
 * insights, then in one transaction upserts social_media_items by (account, remote id), refreshes the profile
 * counts, caches the analytics and records the sync time. Everything is read before anything is written, so a
 * failed sync leaves the previous data as it was and only records the provider's message in last_sync_error.
 * Running it again over the same window with the same `now` leaves identical rows; overlapping runs only race to
 * write the same values.
 *
 * A token error marks the account as needing reconnect (and returns the notification emails to enqueue).
 */
export async function syncAccount(opts: {
  db: Database;
  /** The account's client, or the promise of it (resolving it can fail like any call: a missing token is an auth error). */
  publisher: SocialPublisher | Promise<SocialPublisher>;
  account: Account;
  now: Date;
  appUrl: string;
  maxPages?: number;
}): Promise<SyncResult> {
  const { db, account, now } = opts;
  const windowStart = new Date(now.getTime() - SYNC_WINDOW_DAYS * 86_400_000);
  let profile: ProviderProfile;
  let synced: SyncedMedia[];
  let pages: number;
  let seenSince: Date | null;
  try {
    const publisher = await opts.publisher;
    profile = await publisher.getProfile();
    const recent = await readRecentMedia(publisher, windowStart, opts.maxPages ?? SYNC_MAX_PAGES);
    pages = recent.pages;
    seenSince = recent.seenSince;
    synced = [];
    for (const media of recent.items) synced.push({ media, insights: await readInsights(publisher, media) });
  } catch (error) {
    const message = providerMessage(error);
    if (error instanceof SocialProviderError && error.kind === "auth") {
      await recordSyncError(db, account, message, now);
      const { emailIds } = await markAccountNeedsReconnect({
        db,
        workspaceId: account.workspaceId,
        accountId: account.id,
        reason: message,
        now,
        appUrl: opts.appUrl,
      });
      return { status: "needs_reconnect", message, emailIds };
    }
    if (!(error instanceof SocialProviderError)) {
      // Our own failure (a bug, a token key problem): members see that it failed, the logs and the queue get why.
      await recordSyncError(db, account, "The sync failed on our side; it will be tried again.", now);
      throw error;
    }
    await recordSyncError(db, account, message, now);
    return { status: "failed", kind: error.kind, message, emailIds: [] };
  }

  // One remote id once, even if the provider repeated an item across pages while new posts shifted the list.
  const rows = [...new Map(synced.map((s) => [s.media.id, mediaRow(account, s, now)])).values()];
  await db.transaction(async (tx) => {
    // Posts deleted on the network: gone from the part of the list this sync read in full.
    if (seenSince) {
      const seen = rows.map((row) => row.remoteId);
      await tx
        .delete(socialMediaItems)
        .where(
          and(
            eq(socialMediaItems.accountId, account.id),
            gte(socialMediaItems.postedAt, seenSince),
            seen.length > 0 ? notInArray(socialMediaItems.remoteId, seen) : undefined,
          ),
        );
    }
    if (rows.length > 0) {
      await tx
        .insert(socialMediaItems)
        .values(rows)
        .onConflictDoUpdate({
          target: [socialMediaItems.accountId, socialMediaItems.remoteId],
          set: {
            mediaType: sql`excluded.media_type`,
            mediaProductType: sql`excluded.media_product_type`,
            caption: sql`excluded.caption`,
            permalink: sql`excluded.permalink`,
            mediaUrl: sql`excluded.media_url`,
            thumbnailUrl: sql`excluded.thumbnail_url`,
            postedAt: sql`excluded.posted_at`,
            likeCount: sql`excluded.like_count`,
            commentsCount: sql`excluded.comments_count`,
            saved: sql`excluded.saved`,
            reach: sql`excluded.reach`,
            impressions: sql`excluded.impressions`,
            engagementRate: sql`excluded.engagement_rate`,
            insightsUpdatedAt: sql`excluded.insights_updated_at`,
            syncedAt: sql`excluded.synced_at`,
          },
        });
    }
    // Posts published from Greenroom whose permalink the publish step could not read get it from the sync.
    await tx
      .update(socialPosts)
      .set({ permalink: socialMediaItems.permalink, updatedAt: now })
      .from(socialMediaItems)
      .where(
        and(
          eq(socialPosts.workspaceId, account.workspaceId),
          eq(socialPosts.accountId, account.id),
          isNull(socialPosts.permalink),
          eq(socialMediaItems.accountId, account.id),
          eq(socialMediaItems.remoteId, socialPosts.remoteMediaId),
          isNotNull(socialMediaItems.permalink),
        ),
      );
    const windowRows = await tx
      .select()
      .from(socialMediaItems)
      .where(and(eq(socialMediaItems.accountId, account.id), gte(socialMediaItems.postedAt, windowStart)))
      .orderBy(desc(socialMediaItems.postedAt), socialMediaItems.remoteId);
    const bestTimeSamples = await loadEngagementSamples({
      db: tx,
      workspaceId: account.workspaceId,
      accountId: account.id,
      now,
    });
    const analytics = computeAccountAnalytics({ rows: windowRows, bestTimeSamples, profile, now });
    await tx
      .update(socialAccounts)
      .set({
        username: profile.username || account.username,
        displayName: profile.displayName,
        profilePictureUrl: profile.profilePictureUrl,
        followersCount: profile.followersCount,
        followsCount: profile.followsCount,
        mediaCount: profile.mediaCount,
        analytics: analytics as unknown as Record<string, unknown>,
        analyticsUpdatedAt: now,
        lastSyncedAt: now,
        lastSyncError: null,
        updatedAt: now,
      })
      .where(eq(socialAccounts.id, account.id));
  });
  return { status: "synced", media: rows.length, pages, emailIds: [] };
}

export const SYNC_ACCOUNT_JOB = "social.sync-account";

/**
 * Queues a sync of every active account, in every workspace: the six-hourly sweep is deliberately
 * cross-workspace. One message per account, so a slow or failing account neither blocks nor fails the others.
 */
export async function enqueueAccountSyncs(opts: { db: Database; queue: QueueProducer }): Promise<number> {
  const accounts = await opts.db
    .select({ id: socialAccounts.id })
    .from(socialAccounts)
    .where(eq(socialAccounts.status, "active"))
    .orderBy(socialAccounts.id);
  for (let i = 0; i < accounts.length; i += QUEUE_BATCH_SIZE) {
    await enqueueJobs(
      opts.queue,
      SYNC_ACCOUNT_JOB,
      accounts.slice(i, i + QUEUE_BATCH_SIZE).map((a) => ({ accountId: a.id })),
    );
  }
  return accounts.length;
}

/** Keeps the previous data and says why this sync failed, in the provider's words. */
async function recordSyncError(db: Database, account: Account, message: string, now: Date) {
  await db
    .update(socialAccounts)
    .set({ lastSyncError: message, updatedAt: now })
    .where(eq(socialAccounts.id, account.id));
}
