import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countDownloads, type CountableRequest, type ListenerCell } from "../../server/services/analytics/counting";
import { importSalt, listenerKey } from "../../server/services/analytics/listener";
import {
  countSubscribers,
  MAX_REPORTED_SUBSCRIBERS,
  reportedSubscribers,
  type CountableFetch,
} from "../../server/services/analytics/subscribers";

const APPLE = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
const OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
const SHOW = "00000000-0000-4000-8000-0000000000aa";
const OTHER_SHOW = "00000000-0000-4000-8000-0000000000bb";
const EPISODE_1 = "00000000-0000-4000-8000-000000000001";
const EPISODE_2 = "00000000-0000-4000-8000-000000000002";
const EPISODE_3 = "00000000-0000-4000-8000-000000000003";
const THRESHOLD = 610_000;

let sequence = 0;
function request(overrides: Partial<CountableRequest>): CountableRequest {
  sequence++;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    showId: SHOW,
    episodeId: EPISODE_1,
    requestedAt: new Date(Date.UTC(2026, 5, 1, 8, 0, sequence)),
    listenerKey: "listener-1",
    method: "GET",
    status: 200,
    rangeHeader: null,
    rangeStart: 0,
    bytesSent: 6_010_000,
    userAgent: APPLE,
    country: "DE",
    ...overrides,
  };
}

const listenersOf = (requests: CountableRequest[]) =>
  countDownloads({ requests, thresholdOf: () => THRESHOLD }).listeners;
const scope = (cells: ListenerCell[], showId: string | null, episodeId: string | null) =>
  cells.find((c) => c.showId === showId && c.episodeId === episodeId)?.listeners ?? 0;

describe("estimated listeners (distinct listener keys among counted downloads, per UTC day)", () => {
  it("counts a listener once per workspace and show however many episodes they download", () => {
    const cells = listenersOf([
      request({ listenerKey: "a", episodeId: EPISODE_1 }),
      request({ listenerKey: "a", episodeId: EPISODE_2 }),
      request({ listenerKey: "a", episodeId: EPISODE_2 }),
      request({ listenerKey: "b", episodeId: EPISODE_2 }),
      request({ listenerKey: "a", episodeId: EPISODE_3, showId: OTHER_SHOW }),
    ]);
    expect(scope(cells, null, null)).toBe(2);
    expect(scope(cells, SHOW, null)).toBe(2);
    expect(scope(cells, OTHER_SHOW, null)).toBe(1);
    expect(scope(cells, SHOW, EPISODE_1)).toBe(1);
    expect(scope(cells, SHOW, EPISODE_2)).toBe(2);
    expect(scope(cells, OTHER_SHOW, EPISODE_3)).toBe(1);
    expect(cells).toHaveLength(6);
  });

  it("leaves out listeners whose requests were not counted: bots, pre-loads, Apple Watch, under a minute", () => {
    const cells = listenersOf([
      request({ listenerKey: "bot", userAgent: "curl/8.4.0" }),
      request({ listenerKey: "preload", rangeHeader: "bytes=0-1", bytesSent: 2, status: 206 }),
      request({ listenerKey: "watch", userAgent: "atc/1.0 watchOS/10.1" }),
      request({ listenerKey: "short", bytesSent: THRESHOLD - 1 }),
      request({ listenerKey: "head", method: "HEAD", bytesSent: 0 }),
      request({ listenerKey: "listener" }),
    ]);
    expect(cells).toEqual(
      expect.arrayContaining([
        { showId: null, episodeId: null, listeners: 1 },
        { showId: SHOW, episodeId: null, listeners: 1 },
        { showId: SHOW, episodeId: EPISODE_1, listeners: 1 },
      ]),
    );
    expect(cells).toHaveLength(3);
  });

  it("counts two devices behind one IPv6 /64 with one app as one listener, another /64 as another", async () => {
    const salt = await importSalt("salt-of-the-day");
    const key = (ip: string, userAgent = APPLE) => listenerKey({ salt, ip, userAgent });
    const cells = listenersOf([
      request({ listenerKey: await key("2001:db8:1:2::a"), episodeId: EPISODE_1 }),
      request({ listenerKey: await key("2001:db8:1:2:ffff::b"), episodeId: EPISODE_2 }),
      request({ listenerKey: await key("2001:db8:1:3::a"), episodeId: EPISODE_2 }),
      request({ listenerKey: await key("2001:db8:1:2::a", OVERCAST), episodeId: EPISODE_2 }),
      request({ listenerKey: await key("192.0.2.1") }),
      request({ listenerKey: await key("::ffff:192.0.2.1"), episodeId: EPISODE_2 }),
    ]);
    // Same /64 + agent; another /64; same /64 with another app; IPv4 and the same address IPv4-mapped.
    expect(scope(cells, SHOW, null)).toBe(4);
    expect(scope(cells, SHOW, EPISODE_2)).toBe(4);
  });

  it("never counts more listeners than downloads, and any order gives the same figures", () => {
    const spec = fc.record({
      listener: fc.constantFrom("l1", "l2", "l3", "l4"),
      episode: fc.constantFrom(EPISODE_1, EPISODE_2, EPISODE_3),
      agent: fc.constantFrom(APPLE, OVERCAST, "curl/8.4.0"),
      bytes: fc.constantFrom(0, THRESHOLD - 1, THRESHOLD),
    });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 25 }), (specs) => {
        const requests = specs.map((s) =>
          request({
            listenerKey: s.listener,
            episodeId: s.episode,
            showId: s.episode === EPISODE_3 ? OTHER_SHOW : SHOW,
            userAgent: s.agent,
            bytesSent: s.bytes,
          }),
        );
        const { counters, listeners } = countDownloads({ requests, thresholdOf: () => THRESHOLD });
        expect(scope(listeners, null, null)).toBeLessThanOrEqual(counters.downloads);
        expect(scope(listeners, SHOW, null) + scope(listeners, OTHER_SHOW, null)).toBeGreaterThanOrEqual(
          scope(listeners, null, null),
        );
        const sort = (cells: ListenerCell[]) =>
          [...cells].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
        expect(sort(listenersOf([...requests].reverse()))).toEqual(sort(listeners));
      }),
    );
  });
});

let fetchSequence = 0;
function fetch(overrides: Partial<CountableFetch>): CountableFetch {
  fetchSequence++;
  return {
    id: `00000000-0000-4000-9000-${String(fetchSequence).padStart(12, "0")}`,
    showId: SHOW,
    fetchedAt: new Date(Date.UTC(2026, 5, 1, 6, 0, fetchSequence)),
    listenerKey: "fetcher-1",
    method: "GET",
    status: 200,
    userAgent: APPLE,
    ...overrides,
  };
}

const FEEDLY = (n: number) =>
  `Feedly/1.0 (+http://www.feedly.com/fetcher.html; ${n} subscribers; like FeedFetcher-Google)`;
const INOREADER = "Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 45 subscribers; )";
const NEWSBLUR = "NewsBlur Feed Fetcher - 1 subscriber - https://www.newsblur.com/site/1234/show (Mozilla/5.0)";

describe("the feed subscriber estimate", () => {
  it("reads the count aggregators report in their user agent, one identity per aggregator", () => {
    expect(reportedSubscribers(FEEDLY(123))).toEqual({
      aggregator: "Feedly/1.0 (+http://www.feedly.com/fetcher.html; # subscribers; like FeedFetcher-Google)",
      subscribers: 123,
    });
    expect(reportedSubscribers(FEEDLY(124))?.aggregator).toBe(reportedSubscribers(FEEDLY(123))?.aggregator);
    expect(reportedSubscribers(NEWSBLUR)?.subscribers).toBe(1);
    expect(reportedSubscribers("Overcast/1.0 Podcast Sync (1,234 subscribers; feed-id=42)")?.subscribers).toBe(1234);
    expect(reportedSubscribers(FEEDLY(5_000_000_000))?.subscribers).toBe(MAX_REPORTED_SUBSCRIBERS);
    expect(reportedSubscribers(APPLE)).toBeNull();
    expect(reportedSubscribers("Subscribers Club/1.0")).toBeNull();
  });

  it("estimates a fixed log: distinct fetchers after bots, plus each aggregator's largest report once", () => {
    const log = [
      // Three people's apps: one polls three times (a 304 among them), one with HEAD.
      fetch({ listenerKey: "a" }),
      fetch({ listenerKey: "a", status: 304 }),
      fetch({ listenerKey: "a", status: 304 }),
      fetch({ listenerKey: "b", userAgent: OVERCAST }),
      fetch({ listenerKey: "c", method: "HEAD" }),
      // Bots (OPAWG list, a bot library, an empty agent) and fetches that got no feed.
      fetch({
        listenerKey: "g",
        userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      }),
      fetch({ listenerKey: "h", userAgent: "curl/8.4.0" }),
      fetch({ listenerKey: "e", userAgent: "" }),
      fetch({ listenerKey: "d", status: 404 }),
      fetch({ listenerKey: "d", status: 500 }),
      fetch({ listenerKey: "p", method: "POST" }),
      // Aggregators from several addresses: Feedly's count changes during the day, the largest counts once.
      fetch({ listenerKey: "f1", userAgent: FEEDLY(123) }),
      fetch({ listenerKey: "f2", userAgent: FEEDLY(125) }),
      fetch({ listenerKey: "f1", userAgent: FEEDLY(124), status: 304 }),
      fetch({ listenerKey: "i", userAgent: INOREADER }),
      fetch({ listenerKey: "n", userAgent: NEWSBLUR }),
      // Another show's feed is estimated on its own.
      fetch({ listenerKey: "a", showId: OTHER_SHOW }),
    ];
    const cells = countSubscribers(log);
    expect(cells).toEqual([
      {
        showId: SHOW,
        fetches: 16,
        droppedNotServed: 3,
        droppedBot: 3,
        droppedDuplicate: 4,
        fetchers: 3,
        aggregators: 3,
        aggregatorSubscribers: 125 + 45 + 1,
        subscribers: 3 + 171,
      },
      {
        showId: OTHER_SHOW,
        fetches: 1,
        droppedNotServed: 0,
        droppedBot: 0,
        droppedDuplicate: 0,
        fetchers: 1,
        aggregators: 0,
        aggregatorSubscribers: 0,
        subscribers: 1,
      },
    ]);
  });

  it("puts every fetch in exactly one bucket and gives the same estimate in any order", () => {
    const spec = fc.record({
      key: fc.constantFrom("k1", "k2", "k3"),
      agent: fc.constantFrom(APPLE, OVERCAST, "curl/8.4.0", "", FEEDLY(10), FEEDLY(12), INOREADER),
      status: fc.constantFrom(200, 304, 404, 503),
      method: fc.constantFrom("GET", "HEAD"),
    });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 30 }), (specs) => {
        const fetches = specs.map((s) =>
          fetch({ listenerKey: s.key, userAgent: s.agent, status: s.status, method: s.method }),
        );
        const cells = countSubscribers(fetches);
        for (const c of cells) {
          expect(c.fetchers + c.aggregators + c.droppedNotServed + c.droppedBot + c.droppedDuplicate).toBe(c.fetches);
          expect(c.subscribers).toBe(c.fetchers + c.aggregatorSubscribers);
          expect(c.fetchers).toBeLessThanOrEqual(3);
        }
        expect(countSubscribers([...fetches].reverse())).toEqual(cells);
      }),
    );
  });
});
