import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { countAdDeliveries, type DeliveryCell } from "../ads/delivery";
import {
  adArrangements,
  adDeliveries,
  analyticsDailyDownloads,
  analyticsDailyListeners,
  analyticsDailySubscribers,
  analyticsFeedFetches,
  analyticsRequests,
  analyticsRollups,
  episodes,
  mediaObjects,
  type EpisodeThreshold,
} from "../../../db/schema";
import {
  countDownloads,
  downloadThreshold,
  FALLBACK_BYTES_PER_MINUTE,
  METHODOLOGY_VERSION,
  type DownloadCell,
  type ListenerCell,
  type RuleCounters,
} from "./counting";
import { countSubscribers, SUBSCRIBERS_METHODOLOGY_VERSION, type SubscriberCell } from "./subscribers";
import { deleteSaltsBefore, utcDay } from "./listener";
import { deleteListenerFlightsBefore } from "../ads/frequency";
import { LISTS_VERSION } from "./user-agents";

/**
 * Days recounted on every run: today and the two before. A request reaches the database seconds after it was
 * made (queue batching and retries), so a day's count is final once it has left this window.
 */
export const LATE_WINDOW_DAYS = 2;

const DAY_MS = 86_400_000;
export const daysBefore = (day: string, n: number) => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS));

/** Size of an ID3v2 tag at the start of the file (its 10-byte header + syncsafe size + footer), else 0. */
export function id3HeaderBytes(head: Uint8Array): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0;
  const size = ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f);
  const footer = head[5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/** Per episode: the audio's size, duration and tag header (read from R2's first 10 bytes) and the threshold. */
export async function episodeThresholds(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  workspaceId: string;
  episodeIds: readonly string[];
}): Promise<Record<string, EpisodeThreshold>> {
  if (opts.episodeIds.length === 0) return {};
  const rows = await opts.db
    .select({
      episodeId: episodes.id,
      r2Key: mediaObjects.r2Key,
      size: mediaObjects.size,
      mediaDuration: mediaObjects.durationSeconds,
      episodeDuration: episodes.durationSeconds,
    })
    .from(episodes)
    .leftJoin(
      mediaObjects,
      and(eq(mediaObjects.id, episodes.audioMediaId), eq(mediaObjects.workspaceId, episodes.workspaceId)),
    )
    .where(and(eq(episodes.workspaceId, opts.workspaceId), inArray(episodes.id, [...opts.episodeIds])));
  const thresholds: Record<string, EpisodeThreshold> = {};
  for (const row of rows) {
    let headerBytes = 0;
    if (row.r2Key) {
      const head = await opts.bucket.get(row.r2Key, { range: { offset: 0, length: 10 } });
      if (head) headerBytes = id3HeaderBytes(new Uint8Array(await head.arrayBuffer()));
    }
    const size = row.size ?? 0;
    const durationSeconds = row.mediaDuration ?? row.episodeDuration ?? null;
    thresholds[row.episodeId] = {
      size,
      durationSeconds,
      headerBytes,
      // Without a stored file (audio removed since) the minute at the fallback rate is the threshold.
      thresholdBytes: size > 0 ? downloadThreshold({ size, durationSeconds, headerBytes }) : FALLBACK_BYTES_PER_MINUTE,
    };
  }
  return thresholds;
}

export interface DayCount {
  counters: RuleCounters;
  cells: DownloadCell[];
  thresholds: Record<string, EpisodeThreshold>;
  /** Inserted ads delivered whole (docs/decisions/024). */
  deliveries: DeliveryCell[];
  /** Distinct listeners among counted downloads, per workspace, show and episode (docs/decisions/035). */
  listeners: ListenerCell[];
  /** The feed subscriber estimate per show, from the day's recorded feed fetches (docs/decisions/035). */
  subscribers: SubscriberCell[];
}

/** Counts one workspace's day from its raw requests, writing nothing: what the rollup stores, and the audit recount. */
export async function countDay(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  workspaceId: string;
  day: string;
}): Promise<DayCount> {
  const [requests, fetches] = await Promise.all([
    opts.db
      .select()
      .from(analyticsRequests)
      .where(and(eq(analyticsRequests.workspaceId, opts.workspaceId), eq(analyticsRequests.day, opts.day))),
    opts.db
      .select()
      .from(analyticsFeedFetches)
      .where(and(eq(analyticsFeedFetches.workspaceId, opts.workspaceId), eq(analyticsFeedFetches.day, opts.day))),
  ]);
  const thresholds = await episodeThresholds({
    db: opts.db,
    bucket: opts.bucket,
    workspaceId: opts.workspaceId,
    episodeIds: [...new Set(requests.map((r) => r.episodeId))],
  });
  const { counters, cells, listeners } = countDownloads({
    requests,
    thresholdOf: (episodeId) =>
      Object.hasOwn(thresholds, episodeId) ? thresholds[episodeId].thresholdBytes : FALLBACK_BYTES_PER_MINUTE,
  });
  const arrangementIds = [...new Set(requests.flatMap((r) => (r.arrangementId ? [r.arrangementId] : [])))];
  const arrangements =
    arrangementIds.length === 0
      ? []
      : await opts.db
          .select({ id: adArrangements.id, ads: adArrangements.ads })
          .from(adArrangements)
          .where(and(eq(adArrangements.workspaceId, opts.workspaceId), inArray(adArrangements.id, arrangementIds)));
  const adsById = new Map(arrangements.map((a) => [a.id, a.ads]));
  const deliveries = countAdDeliveries({ requests, adsOf: (id) => adsById.get(id) });
  return { counters, cells, thresholds, deliveries, listeners, subscribers: countSubscribers(fetches) };
}

/**
 * Recounts one workspace's day and replaces its stored rollup. Idempotent and re-runnable: the rollup row is
 * upserted first, which also locks it, so a concurrent run of the same day waits and then replaces the same
 * figures; the day's cells are deleted and written again in the same transaction.
 */
export async function rollupDay(opts: { db: DbOrTx; bucket: R2Bucket; workspaceId: string; day: string; now: Date }) {
  const { counters, cells, thresholds, deliveries, listeners, subscribers } = await countDay(opts);
  const values = {
    ...counters,
    methodologyVersion: METHODOLOGY_VERSION,
    listsVersion: LISTS_VERSION,
    thresholds,
    computedAt: opts.now,
  };
  await opts.db.transaction(async (tx) => {
    await tx
      .insert(analyticsRollups)
      .values({ workspaceId: opts.workspaceId, day: opts.day, ...values })
      .onConflictDoUpdate({ target: [analyticsRollups.workspaceId, analyticsRollups.day], set: values });
    await tx
      .delete(analyticsDailyDownloads)
      .where(and(eq(analyticsDailyDownloads.workspaceId, opts.workspaceId), eq(analyticsDailyDownloads.day, opts.day)));
    if (cells.length > 0)
      await tx
        .insert(analyticsDailyDownloads)
        .values(cells.map((cell) => ({ ...cell, workspaceId: opts.workspaceId, day: opts.day })));
    await tx
      .delete(adDeliveries)
      .where(and(eq(adDeliveries.workspaceId, opts.workspaceId), eq(adDeliveries.day, opts.day)));
    if (deliveries.length > 0)
      await tx
        .insert(adDeliveries)
        .values(deliveries.map((cell) => ({ ...cell, workspaceId: opts.workspaceId, day: opts.day })));
    await tx
      .delete(analyticsDailyListeners)
      .where(and(eq(analyticsDailyListeners.workspaceId, opts.workspaceId), eq(analyticsDailyListeners.day, opts.day)));
    if (listeners.length > 0)
      await tx
        .insert(analyticsDailyListeners)
        .values(listeners.map((cell) => ({ ...cell, workspaceId: opts.workspaceId, day: opts.day })));
    await tx
      .delete(analyticsDailySubscribers)
      .where(
        and(eq(analyticsDailySubscribers.workspaceId, opts.workspaceId), eq(analyticsDailySubscribers.day, opts.day)),
      );
    if (subscribers.length > 0)
      await tx.insert(analyticsDailySubscribers).values(
        subscribers.map((cell) => ({
          ...cell,
          workspaceId: opts.workspaceId,
          day: opts.day,
          methodologyVersion: SUBSCRIBERS_METHODOLOGY_VERSION,
          computedAt: opts.now,
        })),
      );
  });
  return counters;
}

/** The cron: recount every workspace-day inside the late window, then forget salts no request can still need. */
export async function runRollups(opts: { db: DbOrTx; bucket: R2Bucket; now: Date }) {
  const today = utcDay(opts.now);
  const days = Array.from({ length: LATE_WINDOW_DAYS + 1 }, (_, i) => daysBefore(today, i));
  // Days with enclosure requests or feed fetches: a show whose feed is polled but not downloaded still gets its
  // subscriber estimate.
  const pairs = await opts.db
    .selectDistinct({ workspaceId: analyticsRequests.workspaceId, day: analyticsRequests.day })
    .from(analyticsRequests)
    .where(inArray(analyticsRequests.day, days))
    .union(
      opts.db
        .selectDistinct({ workspaceId: analyticsFeedFetches.workspaceId, day: analyticsFeedFetches.day })
        .from(analyticsFeedFetches)
        .where(inArray(analyticsFeedFetches.day, days)),
    )
    .orderBy(sql`day`, sql`workspace_id`);
  let downloads = 0;
  for (const pair of pairs) {
    const counters = await rollupDay({ ...opts, workspaceId: pair.workspaceId, day: pair.day });
    downloads += counters.downloads;
  }
  // Requests are hashed at the edge when they happen; only today's and yesterday's (in flight at midnight) salts
  // can still be needed.
  const saltsDeleted = await deleteSaltsBefore({ db: opts.db, keepFrom: daysBefore(today, 1) });
  // Frequency-cap counts are keyed by those salts' listener keys: they go with them.
  await deleteListenerFlightsBefore({ db: opts.db, keepFrom: daysBefore(today, 1) });
  return { workspaceDays: pairs.length, downloads, saltsDeleted };
}
