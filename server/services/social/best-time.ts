import { and, eq, gte, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { socialMediaItems } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { isTimeZone } from "../../lib/time-zones";
import { ownValue } from "../../lib/records";

/** A slot is recommended only with at least this many of the account's own posts behind it. */
const BEST_TIME_MIN_POSTS = 3;
/** How many slots are recommended at most. */
const BEST_TIME_RECOMMENDATIONS = 3;
/** Engagement older than this says little about today's audience. */
const BEST_TIME_WINDOW_DAYS = 180;

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** What the best-time table needs of one synced post. */
export interface EngagementSample {
  postedAt: Date;
  likeCount: number | null;
  commentsCount: number | null;
  saved: number | null;
  reach: number | null;
}

/**
 * engagement_rate: (likes + comments + saves) / reach, used when every sampled post has a reach; interactions:
 * likes + comments + saves per post, for providers that do not report reach.
 */
export type BestTimeMetric = "engagement_rate" | "interactions";

export interface BestTimeSlot {
  /** 0 = Monday … 6 = Sunday, in the requested zone. */
  weekday: number;
  /** 0–23, the local hour the posts went out in. */
  hour: number;
  posts: number;
  /** The mean of the metric over the slot's posts. */
  averageEngagement: number;
  recommended: boolean;
}

export interface BestTimes {
  timezone: string;
  metric: BestTimeMetric;
  minimumPosts: number;
  totalPosts: number;
  /** Every weekday × hour that has at least one post; the evidence behind each recommendation. */
  slots: BestTimeSlot[];
  /** The best slots with enough posts, best first; empty when there is not enough data yet. */
  recommendations: BestTimeSlot[];
  /** Why nothing is recommended, or null when something is. */
  message: string | null;
}

const interactionsOf = (s: EngagementSample) => (s.likeCount ?? 0) + (s.commentsCount ?? 0) + (s.saved ?? 0);

/** Weekday and hour of `date` on the wall clock of `timeZone` (so a DST change moves the hour with it). */
export function localSlot(date: Date, timeZone: string): { weekday: number; hour: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const weekday = ownValue(WEEKDAY_INDEX, parts.find((p) => p.type === "weekday")?.value ?? "") ?? 0;
  const hour = Number(parts.find((p) => p.type === "hour")?.value);
  return { weekday, hour: hour === 24 ? 0 : hour };
}

/**
 * Groups the account's posts by local weekday and hour and ranks the slots by their mean engagement. Only slots
 * with `minimumPosts` posts can be recommended; the rest stay in `slots` as evidence.
 */
export function computeBestTimes(opts: {
  samples: EngagementSample[];
  timezone?: string;
  minimumPosts?: number;
}): BestTimes {
  const timezone = opts.timezone ?? "UTC";
  if (!isTimeZone(timezone))
    throw new AppError("BAD_REQUEST", `Unknown time zone "${timezone}".`, {
      fieldErrors: { timezone: ["Pick a time zone from the list."] },
    });
  const minimumPosts = opts.minimumPosts ?? BEST_TIME_MIN_POSTS;
  const metric: BestTimeMetric =
    opts.samples.length > 0 && opts.samples.every((s) => (s.reach ?? 0) > 0) ? "engagement_rate" : "interactions";
  const valueOf = (s: EngagementSample) =>
    metric === "engagement_rate" ? interactionsOf(s) / (s.reach as number) : interactionsOf(s);

  const groups = new Map<string, { weekday: number; hour: number; total: number; posts: number }>();
  for (const sample of opts.samples) {
    const { weekday, hour } = localSlot(sample.postedAt, timezone);
    const key = `${weekday}:${hour}`;
    const group = groups.get(key) ?? { weekday, hour, total: 0, posts: 0 };
    group.total += valueOf(sample);
    group.posts += 1;
    groups.set(key, group);
  }
  const ranked = [...groups.values()]
    .map((g) => ({ weekday: g.weekday, hour: g.hour, posts: g.posts, averageEngagement: g.total / g.posts }))
    .sort(
      (a, b) =>
        b.averageEngagement - a.averageEngagement || b.posts - a.posts || a.weekday - b.weekday || a.hour - b.hour,
    );
  const chosen = new Set(
    ranked
      .filter((s) => s.posts >= minimumPosts)
      .slice(0, BEST_TIME_RECOMMENDATIONS)
      .map((s) => `${s.weekday}:${s.hour}`),
  );
  const slots = ranked
    .map((s) => ({ ...s, recommended: chosen.has(`${s.weekday}:${s.hour}`) }))
    .sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
  const recommendations = ranked
    .filter((s) => chosen.has(`${s.weekday}:${s.hour}`))
    .map((s) => ({ ...s, recommended: true }));
  const message =
    recommendations.length > 0
      ? null
      : opts.samples.length === 0
        ? "Not enough data yet: sync the account once it has posts."
        : `Not enough data yet: a time is recommended once at least ${minimumPosts} posts went out in the same weekday and hour.`;
  return { timezone, metric, minimumPosts, totalPosts: opts.samples.length, slots, recommendations, message };
}

/** The account's synced posts of the last BEST_TIME_WINDOW_DAYS, as samples; scoped to the workspace. */
export async function loadEngagementSamples(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId: string;
  now: Date;
}): Promise<EngagementSample[]> {
  return engagementSamplesQuery({ ...opts, account: eq(socialMediaItems.accountId, opts.accountId) });
}

/** The read behind `loadEngagementSamples`, unawaited so it can join a batch; `account` picks the account's rows. */
export function engagementSamplesQuery(opts: { db: DbOrTx; workspaceId: string; account: SQL; now: Date }) {
  const since = new Date(opts.now.getTime() - BEST_TIME_WINDOW_DAYS * 86_400_000);
  return opts.db
    .select({
      postedAt: socialMediaItems.postedAt,
      likeCount: socialMediaItems.likeCount,
      commentsCount: socialMediaItems.commentsCount,
      saved: socialMediaItems.saved,
      reach: socialMediaItems.reach,
    })
    .from(socialMediaItems)
    .where(
      and(eq(socialMediaItems.workspaceId, opts.workspaceId), opts.account, gte(socialMediaItems.postedAt, since)),
    );
}

/** Best times for one of the workspace's accounts, in the member's zone. */
export async function getBestTimes(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId: string;
  timezone: string;
  now: Date;
  minimumPosts?: number;
}): Promise<BestTimes> {
  const samples = await loadEngagementSamples(opts);
  return computeBestTimes({ samples, timezone: opts.timezone, minimumPosts: opts.minimumPosts });
}
