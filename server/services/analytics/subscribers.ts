import { classifyUserAgent } from "./user-agents";

/**
 * The feed subscriber estimate (docs/decisions/035), a pure function of one show's UTC day of recorded feed
 * fetches, so a recount from raw rows reproduces the stored figures. Bump the version with any rule change.
 */
export const SUBSCRIBERS_METHODOLOGY_VERSION = "greenroom-feed-subscribers/1";

/**
 * A reported count larger than this is taken as this: anyone can write "N subscribers" in a user agent, and one
 * forged fetch must not add millions. No aggregator we know of reports more for a single podcast feed.
 */
export const MAX_REPORTED_SUBSCRIBERS = 1_000_000;

/** "123 subscribers", "1 subscriber", "1,234 subscribers", as Feedly, Inoreader, Overcast, NewsBlur write them. */
const REPORTED_SUBSCRIBERS = /(\d[\d,]*)\s+subscribers?\b/i;

export interface CountableFetch {
  id: string;
  showId: string;
  fetchedAt: Date;
  listenerKey: string;
  method: string;
  status: number;
  userAgent: string;
}

export interface SubscriberCounters {
  fetches: number;
  droppedNotServed: number;
  droppedBot: number;
  droppedDuplicate: number;
}

export interface SubscriberCell extends SubscriberCounters {
  showId: string;
  subscribers: number;
  fetchers: number;
  aggregators: number;
  aggregatorSubscribers: number;
}

/**
 * The subscriber count an aggregator reports in its user agent, and the aggregator's identity: the agent with
 * the count taken out, so "Feedly/1.0 (…; 123 subscribers)" and "(…; 124 subscribers)" are one aggregator.
 */
export function reportedSubscribers(userAgent: string): { aggregator: string; subscribers: number } | null {
  const match = REPORTED_SUBSCRIBERS.exec(userAgent);
  if (!match) return null;
  const subscribers = Number(match[1].replace(/,/g, ""));
  if (!Number.isSafeInteger(subscribers)) return null;
  return {
    aggregator: userAgent.replace(REPORTED_SUBSCRIBERS, "# subscribers").trim(),
    subscribers: Math.min(subscribers, MAX_REPORTED_SUBSCRIBERS),
  };
}

/** A fetch that answered the feed: a 200 with the document, or a 304 to a poller that already has it. */
const served = (fetch: Pick<CountableFetch, "method" | "status">) =>
  (fetch.method === "GET" || fetch.method === "HEAD") && (fetch.status === 200 || fetch.status === 304);

/**
 * Per show, every fetch lands in exactly one bucket, in this order: not served (not a GET/HEAD answered 200 or
 * 304); an aggregator reporting a subscriber count (its largest report of the day counts, once per aggregator;
 * its other fetches are duplicates) — before the bot rule, since the OPAWG bots list names Feedly and others;
 * a bot (OPAWG bots list, bot libraries, empty agent); otherwise a fetcher, one per listener key (IP prefix and
 * user agent under the day's salt), further fetches being duplicates. So
 * `fetches = fetchers + aggregators + every dropped counter`, and `subscribers = fetchers + aggregatorSubscribers`.
 */
export function countSubscribers(fetches: readonly CountableFetch[]): SubscriberCell[] {
  const shows = new Map<
    string,
    { counters: SubscriberCounters; fetchers: Set<string>; aggregators: Map<string, number> }
  >();
  for (const fetch of fetches) {
    const show = shows.get(fetch.showId) ?? {
      counters: { fetches: 0, droppedNotServed: 0, droppedBot: 0, droppedDuplicate: 0 },
      fetchers: new Set<string>(),
      aggregators: new Map<string, number>(),
    };
    shows.set(fetch.showId, show);
    show.counters.fetches++;
    if (!served(fetch)) {
      show.counters.droppedNotServed++;
      continue;
    }
    const reported = reportedSubscribers(fetch.userAgent);
    if (reported) {
      const before = show.aggregators.get(reported.aggregator);
      if (before !== undefined) show.counters.droppedDuplicate++;
      show.aggregators.set(reported.aggregator, Math.max(before ?? 0, reported.subscribers));
      continue;
    }
    if (classifyUserAgent(fetch.userAgent).kind === "bot") {
      show.counters.droppedBot++;
      continue;
    }
    if (show.fetchers.has(fetch.listenerKey)) show.counters.droppedDuplicate++;
    else show.fetchers.add(fetch.listenerKey);
  }
  return [...shows.entries()]
    .map(([showId, { counters, fetchers, aggregators }]) => {
      const aggregatorSubscribers = [...aggregators.values()].reduce((n, count) => n + count, 0);
      return {
        showId,
        ...counters,
        fetchers: fetchers.size,
        aggregators: aggregators.size,
        aggregatorSubscribers,
        subscribers: fetchers.size + aggregatorSubscribers,
      };
    })
    .sort((x, y) => x.showId.localeCompare(y.showId));
}
