import { and, desc, eq, gte, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import * as z from "zod";
import type { DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import {
  analyticsDailyDownloads,
  analyticsDailyListeners,
  analyticsDailySubscribers,
  analyticsRollups,
  episodes,
  shows,
  workspaces,
} from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { METHODOLOGY_VERSION } from "./counting";
import { daysBefore } from "./rollup";
import { SUBSCRIBERS_METHODOLOGY_VERSION } from "./subscribers";
import { LISTS_VERSION } from "./user-agents";
import { utcDay } from "./listener";

export const ANALYTICS_INTERVALS = ["day", "week", "month"] as const;
export type AnalyticsInterval = (typeof ANALYTICS_INTERVALS)[number];

/** How far back each view looks: 30 days, 26 weeks, 12 months. */
const WINDOW_DAYS: Record<AnalyticsInterval, number> = { day: 30, week: 26 * 7, month: 365 };
/** Episodes drawn as first-30-day curves: the most recently published. */
const CURVE_EPISODES = 5;
const TOP = 10;

const ZCount = z.object({ name: z.string(), downloads: z.number().int() });
export const ZDownloadsReport = z.object({
  interval: z.enum(ANALYTICS_INTERVALS),
  from: z.string(),
  to: z.string(),
  showId: z.uuid().nullable(),
  shows: z.array(z.object({ id: z.uuid(), title: z.string() })),
  total: z.number().int(),
  /** Estimated listeners of the window: distinct listeners per UTC day, added up over the days (ADR 035). */
  listeners: z.number().int(),
  series: z.array(z.object({ period: z.string(), downloads: z.number().int(), listeners: z.number().int() })),
  episodes: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      showId: z.uuid(),
      publishedAt: z.date().nullable(),
      downloads: z.number().int(),
      /** Distinct listeners per UTC day, added up over the episode's days (ADR 035). */
      listeners: z.number().int(),
      first7Days: z.number().int(),
      first30Days: z.number().int(),
    }),
  ),
  curves: z.array(
    z.object({
      episodeId: z.uuid(),
      title: z.string(),
      /** Downloads so far on day 1..30 after release (cumulative). */
      cumulative: z.array(z.number().int()),
    }),
  ),
  apps: z.array(ZCount),
  platforms: z.array(ZCount),
  countries: z.array(ZCount),
  subscribers: z.object({
    /** The daily estimates averaged over each period's days (summed over shows for the whole workspace). */
    series: z.array(z.object({ period: z.string(), subscribers: z.number().int() })),
    /** The most recent day's estimate. */
    latest: z.object({ day: z.string(), subscribers: z.number().int() }).nullable(),
  }),
  methodology: z.object({ computedAt: z.date().nullable(), listsVersion: z.string().nullable() }),
});
export type DownloadsReport = z.infer<typeof ZDownloadsReport>;

const sum = sql<number>`coalesce(sum(${analyticsDailyDownloads.downloads}), 0)::int`;
/** Literal SQL per interval: a bound parameter would differ between SELECT and GROUP BY and fail to group. */
const TRUNCATE: Record<AnalyticsInterval, SQL> = {
  day: sql`'day'`,
  week: sql`'week'`,
  month: sql`'month'`,
};
const periodOf = (
  interval: AnalyticsInterval,
  day: SQL | typeof analyticsDailyDownloads.day = analyticsDailyDownloads.day,
) => sql<string>`to_char(date_trunc(${TRUNCATE[interval]}, ${day}::timestamp), 'YYYY-MM-DD')`;

/** The workspace's rows (no show), or one show's (no episode): the scopes of analytics_daily_listeners. */
const listenerScope = (showId: string | null) =>
  showId
    ? and(eq(analyticsDailyListeners.showId, showId), isNull(analyticsDailyListeners.episodeId))
    : and(isNull(analyticsDailyListeners.showId), isNull(analyticsDailyListeners.episodeId));

/**
 * The creators' downloads report, read from the daily rollups only (never raw requests), in one batch: one
 * round trip after the session. A show id of another workspace matches nothing and is NOT_FOUND.
 */
export async function getDownloadsReport(opts: {
  db: DbOrTx;
  workspaceId: string;
  showId: string | null;
  interval: AnalyticsInterval;
  now: Date;
}): Promise<DownloadsReport> {
  const to = utcDay(opts.now);
  const from = daysBefore(to, WINDOW_DAYS[opts.interval] - 1);
  const inWorkspace = eq(analyticsDailyDownloads.workspaceId, opts.workspaceId);
  const ofShow: SQL | undefined = opts.showId ? eq(analyticsDailyDownloads.showId, opts.showId) : undefined;
  const inWindow = and(inWorkspace, ofShow, gte(analyticsDailyDownloads.day, from));
  const top = (
    column:
      | typeof analyticsDailyDownloads.app
      | typeof analyticsDailyDownloads.platform
      | typeof analyticsDailyDownloads.country,
  ) =>
    opts.db
      .select({ name: column, downloads: sum })
      .from(analyticsDailyDownloads)
      .where(inWindow)
      .groupBy(column)
      .orderBy(desc(sum), column)
      .limit(TOP);
  const period = periodOf(opts.interval);
  const sinceRelease = sql<number>`(${analyticsDailyDownloads.day} - (${episodes.publishedAt} at time zone 'UTC')::date)`;
  const recentEpisodes = opts.db
    .select({ id: episodes.id })
    .from(episodes)
    .where(
      and(
        eq(episodes.workspaceId, opts.workspaceId),
        opts.showId ? eq(episodes.showId, opts.showId) : undefined,
        isNotNull(episodes.publishedAt),
      ),
    )
    .orderBy(desc(episodes.publishedAt))
    .limit(CURVE_EPISODES);

  const listenerPeriod = periodOf(opts.interval, sql`${analyticsDailyListeners.day}`);
  const subscriberDays = opts.db
    .select({
      day: analyticsDailySubscribers.day,
      subscribers: sql<number>`sum(${analyticsDailySubscribers.subscribers})::int`.as("subscribers"),
    })
    .from(analyticsDailySubscribers)
    .where(
      and(
        eq(analyticsDailySubscribers.workspaceId, opts.workspaceId),
        opts.showId ? eq(analyticsDailySubscribers.showId, opts.showId) : undefined,
        gte(analyticsDailySubscribers.day, from),
      ),
    )
    .groupBy(analyticsDailySubscribers.day)
    .as("subscriber_days");
  const subscriberPeriod = periodOf(opts.interval, sql`${subscriberDays.day}`);

  const [
    showRows,
    series,
    listenerSeries,
    subscriberSeries,
    episodeRows,
    curveRows,
    apps,
    platforms,
    countries,
    latest,
  ] = await readBatch(opts.db, [
    opts.db
      .select({ id: shows.id, title: shows.title })
      .from(shows)
      .where(eq(shows.workspaceId, opts.workspaceId))
      .orderBy(shows.title, shows.id),
    opts.db
      .select({ period, downloads: sum })
      .from(analyticsDailyDownloads)
      .where(inWindow)
      .groupBy(period)
      .orderBy(period),
    opts.db
      .select({
        period: listenerPeriod,
        listeners: sql<number>`coalesce(sum(${analyticsDailyListeners.listeners}), 0)::int`,
      })
      .from(analyticsDailyListeners)
      .where(
        and(
          eq(analyticsDailyListeners.workspaceId, opts.workspaceId),
          listenerScope(opts.showId),
          gte(analyticsDailyListeners.day, from),
        ),
      )
      .groupBy(listenerPeriod)
      .orderBy(listenerPeriod),
    opts.db
      .select({
        period: subscriberPeriod,
        subscribers: sql<number>`round(avg(${subscriberDays.subscribers}))::int`,
        lastDay: sql<string>`max(${subscriberDays.day})::text`,
        lastSubscribers: sql<number>`(array_agg(${subscriberDays.subscribers} order by ${subscriberDays.day} desc))[1]`,
      })
      .from(subscriberDays)
      .groupBy(subscriberPeriod)
      .orderBy(subscriberPeriod),
    opts.db
      .select({
        id: episodes.id,
        title: episodes.title,
        showId: episodes.showId,
        publishedAt: episodes.publishedAt,
        downloads: sum,
        listeners: sql<number>`(select coalesce(sum(${analyticsDailyListeners.listeners}), 0) from ${analyticsDailyListeners}
          where ${analyticsDailyListeners.workspaceId} = ${episodes.workspaceId}
          and ${analyticsDailyListeners.episodeId} = ${episodes.id})::int`,
        first7Days: sql<number>`coalesce(sum(${analyticsDailyDownloads.downloads}) filter (where ${sinceRelease} < 7), 0)::int`,
        first30Days: sql<number>`coalesce(sum(${analyticsDailyDownloads.downloads}) filter (where ${sinceRelease} < 30), 0)::int`,
      })
      .from(episodes)
      .leftJoin(
        analyticsDailyDownloads,
        and(
          eq(analyticsDailyDownloads.episodeId, episodes.id),
          eq(analyticsDailyDownloads.workspaceId, episodes.workspaceId),
        ),
      )
      .where(
        and(
          eq(episodes.workspaceId, opts.workspaceId),
          opts.showId ? eq(episodes.showId, opts.showId) : undefined,
          isNotNull(episodes.publishedAt),
        ),
      )
      .groupBy(episodes.id)
      .orderBy(desc(episodes.publishedAt), episodes.id)
      .limit(50),
    opts.db
      .select({ episodeId: episodes.id, title: episodes.title, day: sinceRelease, downloads: sum })
      .from(analyticsDailyDownloads)
      .innerJoin(
        episodes,
        and(eq(episodes.id, analyticsDailyDownloads.episodeId), eq(episodes.workspaceId, opts.workspaceId)),
      )
      .where(
        and(
          inWorkspace,
          inArray(analyticsDailyDownloads.episodeId, recentEpisodes),
          sql`${sinceRelease} between 0 and 29`,
        ),
      )
      .groupBy(episodes.id, episodes.title, sinceRelease)
      .orderBy(episodes.id, sinceRelease),
    top(analyticsDailyDownloads.app),
    top(analyticsDailyDownloads.platform),
    top(analyticsDailyDownloads.country),
    opts.db
      .select({ computedAt: analyticsRollups.computedAt, listsVersion: analyticsRollups.listsVersion })
      .from(analyticsRollups)
      .where(eq(analyticsRollups.workspaceId, opts.workspaceId))
      .orderBy(desc(analyticsRollups.computedAt))
      .limit(1),
  ]);
  if (opts.showId && !showRows.some((s) => s.id === opts.showId)) throw notFound("Show");

  const curves = new Map<string, { episodeId: string; title: string; daily: number[] }>();
  for (const row of curveRows) {
    const curve = curves.get(row.episodeId) ?? { episodeId: row.episodeId, title: row.title, daily: Array(30).fill(0) };
    curve.daily[Number(row.day)] = row.downloads;
    curves.set(row.episodeId, curve);
  }
  const byPeriod = new Map<string, { period: string; downloads: number; listeners: number }>();
  for (const row of series) byPeriod.set(row.period, { ...row, listeners: 0 });
  for (const row of listenerSeries) {
    const entry = byPeriod.get(row.period) ?? { period: row.period, downloads: 0, listeners: 0 };
    entry.listeners = row.listeners;
    byPeriod.set(row.period, entry);
  }
  const lastSubscribers = subscriberSeries.at(-1);
  return {
    interval: opts.interval,
    from,
    to,
    showId: opts.showId,
    shows: showRows,
    total: series.reduce((n, s) => n + s.downloads, 0),
    listeners: listenerSeries.reduce((n, s) => n + s.listeners, 0),
    series: [...byPeriod.values()].sort((x, y) => x.period.localeCompare(y.period)),
    episodes: episodeRows,
    curves: [...curves.values()].map(({ episodeId, title, daily }) => {
      let running = 0;
      return { episodeId, title, cumulative: daily.map((d) => (running += d)) };
    }),
    apps,
    platforms,
    countries,
    subscribers: {
      series: subscriberSeries.map(({ period, subscribers }) => ({ period, subscribers })),
      latest: lastSubscribers
        ? { day: lastSubscribers.lastDay, subscribers: Number(lastSubscribers.lastSubscribers) }
        : null,
    },
    methodology: latest[0] ?? { computedAt: null, listsVersion: null },
  };
}

/** Rows of the CSV export: every daily cell in the window (bounded), with show and episode titles. */
export const EXPORT_MAX_ROWS = 20_000;
export const ZDownloadsExport = z.object({
  rows: z.array(
    z.object({
      day: z.string(),
      show: z.string(),
      episode: z.string(),
      app: z.string(),
      platform: z.string(),
      country: z.string(),
      downloads: z.number().int(),
    }),
  ),
  truncated: z.boolean(),
});

export async function exportDownloads(opts: { db: DbOrTx; workspaceId: string; days: number; now: Date }) {
  const from = daysBefore(utcDay(opts.now), opts.days - 1);
  const rows = await opts.db
    .select({
      day: analyticsDailyDownloads.day,
      show: shows.title,
      episode: episodes.title,
      app: analyticsDailyDownloads.app,
      platform: analyticsDailyDownloads.platform,
      country: analyticsDailyDownloads.country,
      downloads: analyticsDailyDownloads.downloads,
    })
    .from(analyticsDailyDownloads)
    .innerJoin(episodes, eq(episodes.id, analyticsDailyDownloads.episodeId))
    .innerJoin(shows, eq(shows.id, analyticsDailyDownloads.showId))
    .where(and(eq(analyticsDailyDownloads.workspaceId, opts.workspaceId), gte(analyticsDailyDownloads.day, from)))
    .orderBy(analyticsDailyDownloads.day, shows.title, episodes.title, analyticsDailyDownloads.app)
    .limit(EXPORT_MAX_ROWS + 1);
  return { rows: rows.slice(0, EXPORT_MAX_ROWS), truncated: rows.length > EXPORT_MAX_ROWS };
}

/**
 * Rows of the audience CSV: per day and show the estimated listeners and feed subscribers, then per episode its
 * listeners (subscribers blank: a feed is the show's). Rollups only, bounded like the downloads export.
 */
export const ZAudienceExport = z.object({
  rows: z.array(
    z.object({
      day: z.string(),
      show: z.string(),
      episode: z.string(),
      listeners: z.number().int(),
      subscribers: z.number().int().nullable(),
    }),
  ),
  truncated: z.boolean(),
});

export async function exportAudience(opts: { db: DbOrTx; workspaceId: string; days: number; now: Date }) {
  const from = daysBefore(utcDay(opts.now), opts.days - 1);
  const [listenerRows, subscriberRows] = await readBatch(opts.db, [
    opts.db
      .select({
        day: analyticsDailyListeners.day,
        showId: shows.id,
        show: shows.title,
        episodeId: analyticsDailyListeners.episodeId,
        episode: sql<string>`coalesce(${episodes.title}, '')`,
        listeners: analyticsDailyListeners.listeners,
      })
      .from(analyticsDailyListeners)
      .innerJoin(shows, eq(shows.id, analyticsDailyListeners.showId))
      .leftJoin(episodes, eq(episodes.id, analyticsDailyListeners.episodeId))
      .where(and(eq(analyticsDailyListeners.workspaceId, opts.workspaceId), gte(analyticsDailyListeners.day, from)))
      .limit(EXPORT_MAX_ROWS + 1),
    opts.db
      .select({
        day: analyticsDailySubscribers.day,
        showId: shows.id,
        show: shows.title,
        subscribers: analyticsDailySubscribers.subscribers,
      })
      .from(analyticsDailySubscribers)
      .innerJoin(shows, eq(shows.id, analyticsDailySubscribers.showId))
      .where(and(eq(analyticsDailySubscribers.workspaceId, opts.workspaceId), gte(analyticsDailySubscribers.day, from)))
      .limit(EXPORT_MAX_ROWS + 1),
  ]);
  const rows = new Map<string, z.infer<typeof ZAudienceExport>["rows"][number]>();
  const showRow = (day: string, showId: string, show: string) => {
    const key = `${day}\u0000${showId}\u0000`;
    const row = rows.get(key) ?? { day, show, episode: "", listeners: 0, subscribers: null };
    rows.set(key, row);
    return row;
  };
  for (const r of listenerRows) {
    if (r.episodeId === null) showRow(r.day, r.showId, r.show).listeners = r.listeners;
    else
      rows.set(`${r.day}\u0000${r.showId}\u0000${r.episodeId}`, {
        day: r.day,
        show: r.show,
        episode: r.episode,
        listeners: r.listeners,
        subscribers: null,
      });
  }
  for (const r of subscriberRows) showRow(r.day, r.showId, r.show).subscribers = r.subscribers;
  const sorted = [...rows.values()].sort(
    (x, y) =>
      x.day.localeCompare(y.day) ||
      x.show.localeCompare(y.show) ||
      x.episode.localeCompare(y.episode) ||
      x.listeners - y.listeners,
  );
  const truncated =
    sorted.length > EXPORT_MAX_ROWS || listenerRows.length > EXPORT_MAX_ROWS || subscriberRows.length > EXPORT_MAX_ROWS;
  return { rows: sorted.slice(0, EXPORT_MAX_ROWS), truncated };
}

/** The public methodology of a workspace: the rules' and lists' versions its latest rollup used. */
export const ZMethodology = z.object({
  methodologyVersion: z.string(),
  listsVersion: z.string(),
  /** The feed subscriber estimate's rules (ADR 035). */
  subscribersVersion: z.string(),
  lastComputedAt: z.date().nullable(),
});

export async function getMethodology(opts: { db: DbOrTx; workspaceId: string }) {
  const [workspace, latest] = await readBatch(opts.db, [
    opts.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, opts.workspaceId)),
    opts.db
      .select({
        methodologyVersion: analyticsRollups.methodologyVersion,
        listsVersion: analyticsRollups.listsVersion,
        computedAt: analyticsRollups.computedAt,
      })
      .from(analyticsRollups)
      .where(eq(analyticsRollups.workspaceId, opts.workspaceId))
      .orderBy(desc(analyticsRollups.computedAt))
      .limit(1),
  ]);
  if (workspace.length === 0) throw notFound("Workspace");
  return {
    methodologyVersion: latest[0]?.methodologyVersion ?? METHODOLOGY_VERSION,
    listsVersion: latest[0]?.listsVersion ?? LISTS_VERSION,
    subscribersVersion: SUBSCRIBERS_METHODOLOGY_VERSION,
    lastComputedAt: latest[0]?.computedAt ?? null,
  };
}
