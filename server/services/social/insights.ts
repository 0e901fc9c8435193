import { and, asc, count, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import * as z from "zod";
import type { Database, DbOrTx } from "../../../db/client";
import { socialAccounts, socialMediaItems } from "../../../db/schema";
import type { Env } from "../../env";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { computeBestTimes, engagementSamplesQuery, type BestTimes } from "./best-time";
import { publisherForAccount } from "./publishers";
import { syncAccount, type AccountAnalytics, type SyncResult } from "./sync";

/** A member may ask for a sync of one account at most this often (the cron syncs every six hours anyway). */
const SYNC_NOW_COOLDOWN_MS = 5 * 60_000;

const ZSlot = z.object({
  weekday: z.number().int().min(0).max(6),
  hour: z.number().int().min(0).max(23),
  posts: z.number().int(),
  averageEngagement: z.number(),
  recommended: z.boolean(),
});
export const ZBestTimes = z.object({
  timezone: z.string(),
  metric: z.enum(["engagement_rate", "interactions"]),
  minimumPosts: z.number().int(),
  totalPosts: z.number().int(),
  slots: z.array(ZSlot),
  recommendations: z.array(ZSlot),
  message: z.string().nullable(),
});
const nullableNumber = z.number().nullable();
export const ZAccountAnalytics = z.object({
  windowDays: z.number().int(),
  computedAt: z.string(),
  followers: nullableNumber,
  mediaCount: nullableNumber,
  posts: z.number().int(),
  totals: z.object({
    likes: z.number(),
    comments: z.number(),
    saved: z.number(),
    reach: z.number(),
    impressions: z.number(),
  }),
  averages: z.object({
    likes: nullableNumber,
    comments: nullableNumber,
    saved: nullableNumber,
    reach: nullableNumber,
    impressions: nullableNumber,
  }),
  averageEngagementRate: nullableNumber,
  topPosts: z.array(
    z.object({
      remoteId: z.string(),
      permalink: z.string().nullable(),
      caption: z.string().nullable(),
      mediaType: z.string(),
      postedAt: z.string(),
      likes: nullableNumber,
      comments: nullableNumber,
      saved: nullableNumber,
      reach: nullableNumber,
      impressions: nullableNumber,
      engagementRate: nullableNumber,
    }),
  ),
  bestTimes: ZBestTimes,
}) satisfies z.ZodType<AccountAnalytics>;

type Account = typeof socialAccounts.$inferSelect;

/** One of the workspace's accounts; another workspace's account is NOT_FOUND. */
export async function requireWorkspaceAccount(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId: string;
}): Promise<Account> {
  const [account] = await opts.db
    .select()
    .from(socialAccounts)
    .where(and(eq(socialAccounts.id, opts.accountId), eq(socialAccounts.workspaceId, opts.workspaceId)));
  if (!account) throw new AppError("NOT_FOUND", "Social account not found.");
  return account;
}

/** The latest of the last accepted "Sync now" and the last successful sync (the six-hourly one included). */
const lastAttemptAt = (account: Account) => {
  const times = [account.lastSyncedAt, account.syncRequestedAt]
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime());
  return times.length > 0 ? new Date(Math.max(...times)) : null;
};

/** When a member may next press "Sync now" for the account (null: now). */
export function nextSyncAllowedAt(account: Account, now: Date): Date | null {
  const last = lastAttemptAt(account);
  if (!last) return null;
  const next = new Date(last.getTime() + SYNC_NOW_COOLDOWN_MS);
  return next > now ? next : null;
}

/** The picker's order: active accounts first, then by name. */
const accountOrder = [
  sql`${socialAccounts.status} = 'active' desc`,
  asc(socialAccounts.username),
  asc(socialAccounts.id),
] as const;

/**
 * The account the analytics page shows, as an unawaited query of its id: the one asked for, else the workspace's
 * first connected account in the picker's order. The page's reads select by it, so they need not wait for it.
 */
const chosenAccountId = (opts: { db: DbOrTx; workspaceId: string; accountId?: string }) =>
  opts.db
    .select({ id: socialAccounts.id })
    .from(socialAccounts)
    .where(
      and(
        eq(socialAccounts.workspaceId, opts.workspaceId),
        opts.accountId ? eq(socialAccounts.id, opts.accountId) : ne(socialAccounts.status, "disconnected"),
      ),
    )
    .orderBy(...accountOrder)
    .limit(1);

/** Another workspace's account, or one that does not exist, is NOT_FOUND when asked for by id. */
function requireChosen(opts: { accountId?: string }, rows: { id: string }[]) {
  if (opts.accountId && rows.length === 0) throw new AppError("NOT_FOUND", "Social account not found.");
}

/**
 * The workspace's accounts for the picker, and the chosen one (`accountId`, else the first connected one) with
 * its cached analytics and last sync outcome. One statement: the chosen account is one of the workspace's.
 */
export async function getAccountAnalytics(opts: { db: DbOrTx; workspaceId: string; accountId?: string; now: Date }) {
  const accounts = await opts.db
    .select()
    .from(socialAccounts)
    .where(eq(socialAccounts.workspaceId, opts.workspaceId))
    .orderBy(...accountOrder);
  const chosen = opts.accountId
    ? accounts.find((a) => a.id === opts.accountId)
    : (accounts.find((a) => a.status !== "disconnected") ?? null);
  if (chosen === undefined) throw new AppError("NOT_FOUND", "Social account not found.");
  const parsed = chosen?.analytics ? ZAccountAnalytics.safeParse(chosen.analytics) : null;
  return {
    accounts: accounts.map((a) => ({ id: a.id, provider: a.provider, username: a.username, status: a.status })),
    account: chosen
      ? {
          id: chosen.id,
          provider: chosen.provider,
          username: chosen.username,
          displayName: chosen.displayName,
          profilePictureUrl: chosen.profilePictureUrl,
          status: chosen.status,
          statusReason: chosen.statusReason,
          followersCount: chosen.followersCount,
          followsCount: chosen.followsCount,
          mediaCount: chosen.mediaCount,
          lastSyncedAt: chosen.lastSyncedAt,
          lastSyncError: chosen.lastSyncError,
          analyticsUpdatedAt: chosen.analyticsUpdatedAt,
          nextSyncAllowedAt: nextSyncAllowedAt(chosen, opts.now),
        }
      : null,
    // An analytics blob from an older shape is treated as "not synced yet" until the next sync rewrites it.
    analytics: parsed?.success ? parsed.data : null,
  };
}

/**
 * Best times for the chosen account (as `getAccountAnalytics` chooses it) in the member's zone: the account check
 * and its samples in one round trip (ADR 016). With no account to choose the evidence is empty.
 */
export async function getAccountBestTimes(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId?: string;
  timezone: string;
  now: Date;
}): Promise<BestTimes> {
  const chosen = chosenAccountId(opts);
  const [account, samples] = await readBatch(opts.db, [
    chosen,
    engagementSamplesQuery({ ...opts, account: inArray(socialMediaItems.accountId, chosen) }),
  ]);
  requireChosen(opts, account);
  return computeBestTimes({ samples, timezone: opts.timezone });
}

export const MEDIA_SORTS = ["recent", "engagement"] as const;

/**
 * The chosen account's (as `getAccountAnalytics` chooses it) synced posts with their insights, newest or most
 * engaging first, a page at a time; the account check, the page and the count in one round trip (ADR 016).
 */
export async function listSyncedMedia(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId?: string;
  sort: (typeof MEDIA_SORTS)[number];
  limit: number;
  offset: number;
}) {
  const chosen = chosenAccountId(opts);
  const scope = and(eq(socialMediaItems.workspaceId, opts.workspaceId), inArray(socialMediaItems.accountId, chosen));
  const order =
    opts.sort === "engagement"
      ? [
          sql`${socialMediaItems.engagementRate} desc nulls last`,
          desc(socialMediaItems.postedAt),
          asc(socialMediaItems.id),
        ]
      : [desc(socialMediaItems.postedAt), asc(socialMediaItems.id)];
  const [account, items, [{ total }]] = await readBatch(opts.db, [
    chosen,
    opts.db
      .select({
        id: socialMediaItems.id,
        remoteId: socialMediaItems.remoteId,
        mediaType: socialMediaItems.mediaType,
        mediaProductType: socialMediaItems.mediaProductType,
        caption: socialMediaItems.caption,
        permalink: socialMediaItems.permalink,
        thumbnailUrl: socialMediaItems.thumbnailUrl,
        postedAt: socialMediaItems.postedAt,
        likeCount: socialMediaItems.likeCount,
        commentsCount: socialMediaItems.commentsCount,
        saved: socialMediaItems.saved,
        reach: socialMediaItems.reach,
        impressions: socialMediaItems.impressions,
        engagementRate: socialMediaItems.engagementRate,
        syncedAt: socialMediaItems.syncedAt,
      })
      .from(socialMediaItems)
      .where(scope)
      .orderBy(...order)
      .limit(opts.limit)
      .offset(opts.offset),
    opts.db.select({ total: count() }).from(socialMediaItems).where(scope),
  ]);
  requireChosen(opts, account);
  const nextOffset = opts.offset + items.length < total ? opts.offset + items.length : null;
  return { items, total, nextOffset };
}

/**
 * Resolves the account's client and syncs it. Used by the queue job and by "Sync now"; the needs-reconnect emails a
 * token error records are queued by the caller (the job, or the mutation ladder for "Sync now").
 */
export async function runAccountSync(opts: {
  db: Database;
  env: Env;
  account: Account;
  now: Date;
  appUrl: string;
}): Promise<SyncResult> {
  // Passed unresolved: a client that cannot be built (no token, a retired key) is handled like any auth error.
  const publisher = publisherForAccount({ db: opts.db, env: opts.env, account: opts.account, now: opts.now });
  const result = await syncAccount({
    db: opts.db,
    publisher,
    account: opts.account,
    now: opts.now,
    appUrl: opts.appUrl,
  });
  return result;
}

/**
 * "Sync now" for one of the workspace's active accounts. Refused within SYNC_NOW_COOLDOWN_MS of the last
 * accepted request or successful sync. The claiming UPDATE stamps sync_requested_at under its own condition, so of
 * clicks racing (or arriving while a sync runs) exactly one is accepted.
 */
export async function syncAccountNow(opts: {
  db: Database;
  env: Env;
  workspaceId: string;
  accountId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
  appUrl: string;
}): Promise<SyncResult> {
  const account = await requireWorkspaceAccount(opts);
  if (account.status !== "active") {
    throw new AppError(
      "PRECONDITION_FAILED",
      account.status === "needs_reconnect"
        ? "Reconnect this account before syncing it."
        : "This account is disconnected; connect it again to sync.",
    );
  }
  const wait = nextSyncAllowedAt(account, opts.now);
  const cooldownStart = new Date(opts.now.getTime() - SYNC_NOW_COOLDOWN_MS);
  // The claim and its audit row commit together; the sync itself (calls to Instagram) runs after the commit.
  const claimed = wait
    ? []
    : await opts.db.transaction(async (tx) => {
        const rows = await tx
          .update(socialAccounts)
          .set({ syncRequestedAt: opts.now })
          .where(
            and(
              eq(socialAccounts.id, account.id),
              eq(socialAccounts.status, "active"),
              sql`(${socialAccounts.lastSyncedAt} is null or ${socialAccounts.lastSyncedAt} <= ${cooldownStart.toISOString()}::timestamptz)`,
              sql`(${socialAccounts.syncRequestedAt} is null or ${socialAccounts.syncRequestedAt} <= ${cooldownStart.toISOString()}::timestamptz)`,
            ),
          )
          .returning();
        if (rows.length > 0)
          await recordAudit({
            db: tx,
            action: "social.sync_requested",
            actorUserId: opts.actorUserId,
            workspaceId: opts.workspaceId,
            detail: { accountId: account.id, username: account.username },
            meta: opts.meta,
            now: opts.now,
          });
        return rows;
      });
  if (claimed.length === 0) {
    const until = wait ?? new Date(opts.now.getTime() + SYNC_NOW_COOLDOWN_MS);
    const seconds = Math.max(1, Math.ceil((until.getTime() - opts.now.getTime()) / 1000));
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `This account was synced a moment ago. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}.`,
      {
        retryAfterSeconds: seconds,
      },
    );
  }
  return runAccountSync({ db: opts.db, env: opts.env, account: claimed[0], now: opts.now, appUrl: opts.appUrl });
}
