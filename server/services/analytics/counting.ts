import { classifyUserAgent } from "./user-agents";

/**
 * IAB Podcast Measurement Technical Guidelines v2.2 counting, as a pure function of one UTC day's raw requests.
 * The rollup stores what this returns; recounting the same rows gives the same figures (a test holds us to it).
 * Bump METHODOLOGY_VERSION whenever a rule below changes, so stored rollups say which rules made them.
 */
export const METHODOLOGY_VERSION = "greenroom-iab-2.2/1";

/** A minute at 128 kbit/s: the threshold when an episode's duration is unknown (the common podcast bitrate). */
export const FALLBACK_BYTES_PER_MINUTE = 960_000;

/** The byte count that holds one minute of audio: the file's average rate × 60 s, plus its tag header. */
export function downloadThreshold(opts: { size: number; durationSeconds: number | null; headerBytes: number }): number {
  const audioBytes = Math.max(0, opts.size - opts.headerBytes);
  const perMinute =
    opts.durationSeconds && opts.durationSeconds > 0
      ? Math.ceil((audioBytes / opts.durationSeconds) * 60)
      : FALLBACK_BYTES_PER_MINUTE;
  // A file shorter than a minute counts once all of it is delivered.
  return Math.min(opts.size, opts.headerBytes + perMinute);
}

export interface CountableRequest {
  id: string;
  showId: string;
  episodeId: string;
  requestedAt: Date;
  listenerKey: string;
  method: string;
  status: number;
  rangeHeader: string | null;
  rangeStart: number | null;
  bytesSent: number;
  userAgent: string;
  country: string | null;
}

export interface RuleCounters {
  requests: number;
  downloads: number;
  droppedNotServed: number;
  droppedBot: number;
  droppedPreload: number;
  droppedAppleWatch: number;
  droppedDuplicate: number;
  droppedUnderThreshold: number;
}

/**
 * Estimated listeners of a day (docs/decisions/035): distinct listener keys among counted downloads, for the
 * workspace (show and episode null), each show (episode null) and each episode.
 */
export interface ListenerCell {
  showId: string | null;
  episodeId: string | null;
  listeners: number;
}

export interface DownloadCell {
  showId: string;
  episodeId: string;
  app: string;
  platform: string;
  country: string;
  downloads: number;
}

/** Cloudflare's own code for an unknown country. */
export const UNKNOWN_COUNTRY = "XX";

const isPreload = (rangeHeader: string | null) => rangeHeader?.replace(/\s+/g, "").toLowerCase() === "bytes=0-1";

/** The union of [start, end) intervals as disjoint, sorted intervals (touching ones joined). */
export function unionOfIntervals(intervals: readonly [number, number][]): [number, number][] {
  const sorted = [...intervals].filter(([start, end]) => end > start).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const union: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = union.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else union.push([start, end]);
  }
  return union;
}

/** Bytes covered by the union of [start, end) intervals: a range fetched twice counts once. */
function coveredBytes(intervals: [number, number][]): number {
  return unionOfIntervals(intervals).reduce((total, [start, end]) => total + end - start, 0);
}

type DropRule = "droppedNotServed" | "droppedBot" | "droppedPreload" | "droppedAppleWatch";

/**
 * The rules that drop a request before grouping, in order: not served (HEAD, not 200/206, nothing sent), bot,
 * pre-load (`bytes=0-1`), Apple Watch duplicate. What passes is a listener's request, with its app and platform.
 * Ad delivery (server/services/ads/delivery.ts) screens requests by the same rules.
 */
export function screenRequest(
  request: Pick<CountableRequest, "method" | "status" | "bytesSent" | "rangeStart" | "rangeHeader" | "userAgent">,
): { dropped: DropRule } | { app: string; platform: string } {
  const served =
    request.method === "GET" &&
    (request.status === 200 || request.status === 206) &&
    request.bytesSent > 0 &&
    request.rangeStart !== null;
  if (!served) return { dropped: "droppedNotServed" };
  const agent = classifyUserAgent(request.userAgent);
  if (agent.kind === "bot") return { dropped: "droppedBot" };
  if (isPreload(request.rangeHeader)) return { dropped: "droppedPreload" };
  if (agent.kind === "apple_watch") return { dropped: "droppedAppleWatch" };
  return { app: agent.app, platform: agent.platform };
}

/**
 * Every request lands in exactly one bucket, in this order: not served (HEAD, not 200/206, nothing sent), bot,
 * pre-load (`bytes=0-1`), Apple Watch duplicate; the rest are grouped per listener and episode. A group whose
 * delivered bytes (union of every range served) reach the episode's threshold is one download, credited to its
 * earliest request; its other requests are duplicates. A group below the threshold counts nothing.
 * So `requests = downloads + every dropped counter`.
 */
export function countDownloads(opts: {
  requests: readonly CountableRequest[];
  /** episodeId → bytes that hold a minute of audio (downloadThreshold). */
  thresholdOf: (episodeId: string) => number;
}): { counters: RuleCounters; cells: DownloadCell[]; listeners: ListenerCell[] } {
  const counters: RuleCounters = {
    requests: opts.requests.length,
    downloads: 0,
    droppedNotServed: 0,
    droppedBot: 0,
    droppedPreload: 0,
    droppedAppleWatch: 0,
    droppedDuplicate: 0,
    droppedUnderThreshold: 0,
  };
  const groups = new Map<string, { request: CountableRequest; app: string; platform: string }[]>();
  for (const request of opts.requests) {
    const screened = screenRequest(request);
    if ("dropped" in screened) {
      counters[screened.dropped]++;
      continue;
    }
    const key = `${request.episodeId}\u0000${request.listenerKey}`;
    const group = groups.get(key) ?? [];
    group.push({ request, app: screened.app, platform: screened.platform });
    groups.set(key, group);
  }

  const cells = new Map<string, DownloadCell>();
  const listenersOf = new Map<string, { showId: string | null; episodeId: string | null; keys: Set<string> }>();
  const addListener = (showId: string | null, episodeId: string | null, key: string) => {
    const scope = `${showId ?? ""}\u0000${episodeId ?? ""}`;
    const entry = listenersOf.get(scope) ?? { showId, episodeId, keys: new Set<string>() };
    entry.keys.add(key);
    listenersOf.set(scope, entry);
  };
  for (const group of groups.values()) {
    const bytes = coveredBytes(group.map(({ request: r }) => [r.rangeStart ?? 0, (r.rangeStart ?? 0) + r.bytesSent]));
    if (bytes < opts.thresholdOf(group[0].request.episodeId)) {
      counters.droppedUnderThreshold += group.length;
      continue;
    }
    group.sort(
      (x, y) =>
        x.request.requestedAt.getTime() - y.request.requestedAt.getTime() || x.request.id.localeCompare(y.request.id),
    );
    const first = group[0];
    counters.downloads++;
    counters.droppedDuplicate += group.length - 1;
    const country = first.request.country ?? UNKNOWN_COUNTRY;
    const cellKey = [first.request.episodeId, first.app, first.platform, country].join("\u0000");
    const cell = cells.get(cellKey) ?? {
      showId: first.request.showId,
      episodeId: first.request.episodeId,
      app: first.app,
      platform: first.platform,
      country,
      downloads: 0,
    };
    cell.downloads++;
    cells.set(cellKey, cell);
    addListener(null, null, first.request.listenerKey);
    addListener(first.request.showId, null, first.request.listenerKey);
    addListener(first.request.showId, first.request.episodeId, first.request.listenerKey);
  }
  const listeners = [...listenersOf.values()].map(({ showId, episodeId, keys }) => ({
    showId,
    episodeId,
    listeners: keys.size,
  }));
  return { counters, cells: [...cells.values()], listeners };
}
