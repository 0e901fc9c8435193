import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  analyticsDailyDownloads,
  analyticsDailyListeners,
  analyticsDailySubscribers,
  analyticsFeedFetches,
  analyticsRequests,
  analyticsRollups,
  analyticsSalts,
} from "../../db/schema";
import { ingestEnclosureRequests, ingestFeedFetches } from "../../server/services/analytics/ingest";
import {
  EnclosureRecorder,
  FeedFetchRecorder,
  RECORD_FEED_FETCHES_JOB,
  RECORD_REQUESTS_JOB,
  ZRecordFeedFetchesPayload,
  ZRecordRequestsPayload,
  type EnclosureRequest,
} from "../../server/services/analytics/recording";
import { exportAudience, getDownloadsReport } from "../../server/services/analytics/reports";
import { countDay, rollupDay, runRollups } from "../../server/services/analytics/rollup";
import { recordEnclosureRequestsJob } from "../../workers/queues/jobs/record-enclosure-requests";
import { recordFeedFetchesJob } from "../../workers/queues/jobs/record-feed-fetches";
import type { JobContext } from "../../workers/job-context";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { memoryQueue } from "../support/memory-queue";
import { insertPublishedEpisode, insertShow } from "../support/podcasts";
import { createLocalR2 } from "../support/r2";

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), r2?.dispose()]);
});

const APPLE = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
const SIZE = 6_010_000;
/** An ID3v2.4 tag of 9,990 bytes + its 10-byte header, then 6,000,000 bytes = 10 minutes: threshold 610,000. */
const THRESHOLD = 610_000;
function id3Head() {
  const tag = 9_990;
  return new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, (tag >> 14) & 0x7f, (tag >> 7) & 0x7f, tag & 0x7f]);
}

async function podcast() {
  const owner = await createUser(t.db);
  const workspace = await createWorkspace(t.db, owner);
  const show = await insertShow(t.db, workspace.id);
  const { episode, media } = await insertPublishedEpisode(t.db, show, {}, { size: SIZE, durationSeconds: 600 });
  await r2.bucket.put(media.r2Key, id3Head());
  return { workspace, show, episode };
}

/** Records requests through the edge recorder and hands the queued batches to the consumer job. */
async function recordAndConsume(
  episodeId: string,
  requests: { at: string; ip: string; ua?: string; range?: string; status?: number; start?: number; length?: number }[],
) {
  const queue = memoryQueue();
  const recorder = new EnclosureRecorder(async () => {});
  const work: Promise<unknown>[] = [];
  for (const r of requests) {
    const status = r.status ?? 206;
    const headers: Record<string, string> = { "cf-connecting-ip": r.ip, "user-agent": r.ua ?? APPLE };
    if (r.range) headers.range = r.range;
    const start = r.start ?? 0;
    const length = r.length ?? SIZE;
    recorder.record({
      request: new Request(`https://greenroom.test/media/episodes/${episodeId}/audio.mp3`, { headers }),
      response: new Response(null, {
        status,
        headers:
          status === 206
            ? { "content-range": `bytes ${start}-${start + length - 1}/${SIZE}`, "content-length": String(length) }
            : { "content-length": String(length) },
      }),
      episodeId,
      now: new Date(r.at),
      db: t.db,
      queue: queue.queue,
      waitUntil: (p) => void work.push(p),
    });
  }
  await Promise.all(work);
  const payloads = queue.jobs(RECORD_REQUESTS_JOB).map((p) => ZRecordRequestsPayload.parse(p));
  const ctx = { db: t.db, now: new Date(), attempt: 1 } as unknown as JobContext & { attempt: number };
  for (const payload of payloads) await recordEnclosureRequestsJob.handle(payload, ctx);
  return { payloads, sent: queue.sent };
}

const rollupOf = async (workspaceId: string, day: string) =>
  (
    await t.db
      .select()
      .from(analyticsRollups)
      .where(and(eq(analyticsRollups.workspaceId, workspaceId), eq(analyticsRollups.day, day)))
  )[0];

describe("recording enclosure requests", () => {
  it("sends requests in batches with a hashed listener key and no address", async () => {
    const { workspace, show, episode } = await podcast();
    const many = Array.from({ length: 60 }, (_, i) => ({ at: "2026-06-01T10:00:00Z", ip: `192.0.2.${i}` }));
    const { payloads, sent } = await recordAndConsume(episode.id, many);
    expect(sent.length).toBe(2);
    expect(payloads.map((p) => p.requests.length).sort((x, y) => x - y)).toEqual([10, 50]);
    expect(JSON.stringify(sent)).not.toContain("192.0.2.");
    const rows = await t.db.select().from(analyticsRequests).where(eq(analyticsRequests.episodeId, episode.id));
    expect(rows).toHaveLength(60);
    expect(rows[0]).toMatchObject({ workspaceId: workspace.id, showId: show.id, day: "2026-06-01", status: 206 });
    expect(JSON.stringify(rows)).not.toContain("192.0.2.");
    expect(new Set(rows.map((r) => r.listenerKey)).size).toBe(60);
  });

  it("stores country, referrer origin only, range and bytes", async () => {
    const { episode } = await podcast();
    const queue = memoryQueue();
    const recorder = new EnclosureRecorder(async () => {});
    const work: Promise<unknown>[] = [];
    const request = new Request(`https://greenroom.test/media/episodes/${episode.id}/audio.mp3`, {
      headers: {
        "cf-connecting-ip": "198.51.100.4",
        "user-agent": APPLE,
        range: "bytes=1000-1999",
        referer: "https://player.example/listen?email=someone@example.com",
      },
    });
    Object.defineProperty(request, "cf", { value: { country: "NZ" } });
    recorder.record({
      request,
      response: new Response(null, {
        status: 206,
        headers: { "content-range": `bytes 1000-1999/${SIZE}`, "content-length": "1000" },
      }),
      episodeId: episode.id,
      now: new Date("2026-06-01T10:00:00Z"),
      db: t.db,
      queue: queue.queue,
      waitUntil: (p) => void work.push(p),
    });
    expect(work).toHaveLength(1);
    await Promise.all(work);
    const [message] = queue.jobs(RECORD_REQUESTS_JOB) as { requests: EnclosureRequest[] }[];
    expect(message.requests[0]).toMatchObject({
      country: "NZ",
      referrer: "https://player.example",
      rangeHeader: "bytes=1000-1999",
      rangeStart: 1000,
      bytesSent: 1000,
      status: 206,
      method: "GET",
    });
  });

  it("never throws into the download when the queue fails", async () => {
    const { episode } = await podcast();
    const recorder = new EnclosureRecorder(async () => {});
    const work: Promise<unknown>[] = [];
    const failing = {
      send: () => Promise.reject(new Error("queue down")),
      sendBatch: () => Promise.reject(new Error("queue down")),
    };
    recorder.record({
      request: new Request("https://greenroom.test/x", { headers: { "cf-connecting-ip": "192.0.2.1" } }),
      response: new Response(null, { status: 200, headers: { "content-length": "10" } }),
      episodeId: episode.id,
      now: new Date(),
      db: t.db,
      queue: failing,
      waitUntil: (p) => void work.push(p),
    });
    await expect(Promise.all(work)).resolves.toBeDefined();
  });

  it("inserts a redelivered message once", async () => {
    const { episode } = await podcast();
    const { payloads } = await recordAndConsume(episode.id, [{ at: "2026-06-01T10:00:00Z", ip: "192.0.2.50" }]);
    const again = await ingestEnclosureRequests({ db: t.db, requests: payloads[0].requests });
    expect(again.inserted).toBe(0);
    const rows = await t.db.select().from(analyticsRequests).where(eq(analyticsRequests.episodeId, episode.id));
    expect(rows).toHaveLength(1);
  });

  it("uses one salt per UTC day, and the rollup cron forgets salts outside the window", async () => {
    const { episode } = await podcast();
    const { payloads } = await recordAndConsume(episode.id, [
      { at: "2026-05-01T23:59:59Z", ip: "192.0.2.60" },
      { at: "2026-05-02T00:00:00Z", ip: "192.0.2.60" },
    ]);
    const [late, early] = payloads[0].requests;
    expect(late.listenerKey).not.toBe(early.listenerKey);
    const days = (await t.db.select({ day: analyticsSalts.day }).from(analyticsSalts)).map((s) => s.day);
    expect(days).toEqual(expect.arrayContaining(["2026-05-01", "2026-05-02"]));
    await runRollups({ db: t.db, bucket: r2.bucket, now: new Date("2026-05-04T01:00:00Z") });
    const left = (await t.db.select({ day: analyticsSalts.day }).from(analyticsSalts)).map((s) => s.day);
    expect(left.filter((d) => d < "2026-05-03")).toEqual([]);
  });
});

describe("the daily rollup", () => {
  it("counts a fixed log by the IAB rules and stores every rule's counter", async () => {
    const { workspace, episode } = await podcast();
    await recordAndConsume(episode.id, [
      // Listener A: a pre-load, then the first minute in two ranges: one download.
      { at: "2026-06-02T08:00:00Z", ip: "192.0.2.1", range: "bytes=0-1", start: 0, length: 2 },
      { at: "2026-06-02T08:00:01Z", ip: "192.0.2.1", range: "bytes=0-299999", start: 0, length: 300_000 },
      { at: "2026-06-02T08:00:05Z", ip: "192.0.2.1", range: "bytes=300000-", start: 300_000, length: 310_000 },
      // Listener B (IPv6): two devices in one /64 fetch the whole file: one download, one duplicate.
      { at: "2026-06-02T09:00:00Z", ip: "2001:db8:5:6::1", status: 200 },
      { at: "2026-06-02T09:30:00Z", ip: "2001:db8:5:6:ffff::2", status: 200 },
      // Listener C stops one byte short of a minute.
      { at: "2026-06-02T10:00:00Z", ip: "192.0.2.3", range: "bytes=0-", start: 0, length: THRESHOLD - 1 },
      // A bot and an Apple Watch.
      { at: "2026-06-02T11:00:00Z", ip: "192.0.2.4", ua: "curl/8.4.0", status: 200 },
      { at: "2026-06-02T11:00:00Z", ip: "192.0.2.5", ua: "atc/1.0 watchOS/10.1", status: 200 },
      // Window edge: listener A again in the last and the first second of the UTC day.
      { at: "2026-06-02T23:59:59.999Z", ip: "192.0.2.9", status: 200 },
      { at: "2026-06-03T00:00:00.000Z", ip: "192.0.2.9", status: 200 },
    ]);
    const counters = await rollupDay({
      db: t.db,
      bucket: r2.bucket,
      workspaceId: workspace.id,
      day: "2026-06-02",
      now: new Date("2026-06-03T00:17:00Z"),
    });
    expect(counters).toEqual({
      requests: 9,
      downloads: 3,
      droppedNotServed: 0,
      droppedBot: 1,
      droppedPreload: 1,
      droppedAppleWatch: 1,
      droppedDuplicate: 2,
      droppedUnderThreshold: 1,
    });
    const stored = await rollupOf(workspace.id, "2026-06-02");
    expect(stored).toMatchObject({ ...counters, listsVersion: "opawg/user-agents-v2@8008a31" });
    expect(new Map(Object.entries(stored.thresholds)).get(episode.id)).toEqual({
      size: SIZE,
      durationSeconds: 600,
      headerBytes: 10_000,
      thresholdBytes: THRESHOLD,
    });
    const nextDay = await rollupDay({
      db: t.db,
      bucket: r2.bucket,
      workspaceId: workspace.id,
      day: "2026-06-03",
      now: new Date("2026-06-03T00:17:00Z"),
    });
    expect(nextDay).toMatchObject({ requests: 1, downloads: 1 });
  });

  it("is idempotent, absorbs late requests, and a recount from raw requests reproduces it exactly", async () => {
    const { workspace, episode } = await podcast();
    const ips = Array.from({ length: 12 }, (_, i) => `203.0.113.${i}`);
    await recordAndConsume(
      episode.id,
      ips.map((ip, i) => ({ at: `2026-06-10T${String(i + 6).padStart(2, "0")}:00:00Z`, ip, status: 200 })),
    );
    const run = (hour: string) => runRollups({ db: t.db, bucket: r2.bucket, now: new Date(`2026-06-10T${hour}Z`) });
    await run("20:17:00");
    const first = await rollupOf(workspace.id, "2026-06-10");
    const cells = () =>
      t.db
        .select()
        .from(analyticsDailyDownloads)
        .where(
          and(eq(analyticsDailyDownloads.workspaceId, workspace.id), eq(analyticsDailyDownloads.day, "2026-06-10")),
        );
    const firstCells = await cells();
    await run("21:17:00");
    const second = await rollupOf(workspace.id, "2026-06-10");
    expect({ ...second, computedAt: null }).toEqual({ ...first, computedAt: null });
    expect(await cells()).toEqual(firstCells);
    expect(first.downloads).toBe(12);

    // A request of the 10th arriving late, on the 11th, is counted in the 10th by the next run.
    await recordAndConsume(episode.id, [{ at: "2026-06-10T23:00:00Z", ip: "203.0.113.200", status: 200 }]);
    await runRollups({ db: t.db, bucket: r2.bucket, now: new Date("2026-06-11T01:17:00Z") });
    const absorbed = await rollupOf(workspace.id, "2026-06-10");
    expect(absorbed.downloads).toBe(13);

    const recount = await countDay({ db: t.db, bucket: r2.bucket, workspaceId: workspace.id, day: "2026-06-10" });
    const { workspaceId: _w, day: _d, methodologyVersion: _m, listsVersion: _l, computedAt: _c, ...stored } = absorbed;
    expect({ ...recount.counters, thresholds: recount.thresholds }).toEqual(stored);
    const sortCells = <T extends { app: string; country: string; episodeId: string; platform: string }>(rows: T[]) =>
      rows
        .map((r) => ({
          showId: (r as unknown as { showId: string }).showId,
          episodeId: r.episodeId,
          app: r.app,
          platform: r.platform,
          country: r.country,
          downloads: (r as unknown as { downloads: number }).downloads,
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sortCells(recount.cells)).toEqual(sortCells(await cells()));

    // Estimated listeners are recounted from the same rows and match what the rollup stored.
    const storedListeners = await t.db
      .select({
        showId: analyticsDailyListeners.showId,
        episodeId: analyticsDailyListeners.episodeId,
        listeners: analyticsDailyListeners.listeners,
      })
      .from(analyticsDailyListeners)
      .where(and(eq(analyticsDailyListeners.workspaceId, workspace.id), eq(analyticsDailyListeners.day, "2026-06-10")));
    const byScope = <T extends { showId: string | null; episodeId: string | null }>(rows: T[]) =>
      [...rows].sort((x, y) => `${x.showId}${x.episodeId}`.localeCompare(`${y.showId}${y.episodeId}`));
    expect(byScope(recount.listeners)).toEqual(byScope(storedListeners));
    expect(storedListeners.map((r) => r.listeners)).toEqual([13, 13, 13]);
  });

  it("keeps each workspace's counts to its own requests", async () => {
    const a = await podcast();
    const b = await podcast();
    await recordAndConsume(a.episode.id, [{ at: "2026-06-20T10:00:00Z", ip: "192.0.2.77", status: 200 }]);
    await runRollups({ db: t.db, bucket: r2.bucket, now: new Date("2026-06-20T11:17:00Z") });
    expect((await rollupOf(a.workspace.id, "2026-06-20")).downloads).toBe(1);
    expect(await rollupOf(b.workspace.id, "2026-06-20")).toBeUndefined();
  });
});

/** Records feed fetches through the edge recorder and hands the queued batches to the consumer job. */
async function recordFeedFetchesAndConsume(
  showId: string,
  fetches: { at: string; ip: string; ua?: string; status?: number; method?: string }[],
) {
  const queue = memoryQueue();
  const recorder = new FeedFetchRecorder(async () => {});
  const work: Promise<unknown>[] = [];
  for (const f of fetches)
    recorder.record({
      request: new Request(`https://greenroom.test/feeds/${showId}.xml`, {
        method: f.method ?? "GET",
        headers: { "cf-connecting-ip": f.ip, "user-agent": f.ua ?? APPLE },
      }),
      response: new Response(null, { status: f.status ?? 200 }),
      showId,
      now: new Date(f.at),
      db: t.db,
      queue: queue.queue,
      waitUntil: (p) => void work.push(p),
    });
  await Promise.all(work);
  const payloads = queue.jobs(RECORD_FEED_FETCHES_JOB).map((p) => ZRecordFeedFetchesPayload.parse(p));
  const ctx = { db: t.db, now: new Date(), attempt: 1 } as unknown as JobContext & { attempt: number };
  for (const payload of payloads) await recordFeedFetchesJob.handle(payload, ctx);
  return { payloads, sent: queue.sent };
}

const FEEDLY = (n: number) => `Feedly/1.0 (+http://www.feedly.com/fetcher.html; ${n} subscribers; )`;

describe("listener and subscriber estimates (docs/decisions/035)", () => {
  it("records feed fetches with a hashed key and no address, once per redelivery", async () => {
    const { workspace, show } = await podcast();
    const { payloads, sent } = await recordFeedFetchesAndConsume(show.id, [
      { at: "2026-07-01T06:00:00Z", ip: "198.51.100.7" },
      { at: "2026-07-01T07:00:00Z", ip: "198.51.100.7", status: 304 },
    ]);
    expect(JSON.stringify(sent)).not.toContain("198.51.100.7");
    const again = await ingestFeedFetches({ db: t.db, fetches: payloads[0].requests });
    expect(again.inserted).toBe(0);
    const rows = await t.db.select().from(analyticsFeedFetches).where(eq(analyticsFeedFetches.showId, show.id));
    expect(rows.map((r) => [r.workspaceId, r.day, r.status, r.method])).toEqual([
      [workspace.id, "2026-07-01", 200, "GET"],
      [workspace.id, "2026-07-01", 304, "GET"],
    ]);
    expect(new Set(rows.map((r) => r.listenerKey)).size).toBe(1);
    expect(JSON.stringify(rows)).not.toContain("198.51.100.7");
  });

  it("rolls fetch logs into a daily subscriber estimate, idempotently and reproducibly", async () => {
    const { workspace, show } = await podcast();
    await recordFeedFetchesAndConsume(show.id, [
      { at: "2026-07-02T06:00:00Z", ip: "192.0.2.1" },
      { at: "2026-07-02T07:00:00Z", ip: "192.0.2.1", status: 304 },
      { at: "2026-07-02T07:00:00Z", ip: "2001:db8:7:7::1" },
      { at: "2026-07-02T08:00:00Z", ip: "2001:db8:7:7::2", status: 304 },
      { at: "2026-07-02T08:00:00Z", ip: "192.0.2.2", ua: "curl/8.4.0" },
      { at: "2026-07-02T09:00:00Z", ip: "192.0.2.3", status: 404 },
      { at: "2026-07-02T09:00:00Z", ip: "203.0.113.1", ua: FEEDLY(40) },
      { at: "2026-07-02T10:00:00Z", ip: "203.0.113.2", ua: FEEDLY(42) },
    ]);
    const run = (at: string) => runRollups({ db: t.db, bucket: r2.bucket, now: new Date(at) });
    await run("2026-07-02T11:17:00Z");
    const stored = () =>
      t.db
        .select()
        .from(analyticsDailySubscribers)
        .where(
          and(eq(analyticsDailySubscribers.workspaceId, workspace.id), eq(analyticsDailySubscribers.day, "2026-07-02")),
        );
    const first = await stored();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      showId: show.id,
      fetches: 8,
      fetchers: 2,
      aggregators: 1,
      aggregatorSubscribers: 42,
      subscribers: 44,
      droppedBot: 1,
      droppedNotServed: 1,
      droppedDuplicate: 3,
      methodologyVersion: "greenroom-feed-subscribers/1",
    });
    await run("2026-07-02T12:17:00Z");
    const second = await stored();
    expect(second.map((r) => ({ ...r, computedAt: null }))).toEqual(first.map((r) => ({ ...r, computedAt: null })));

    const recount = await countDay({ db: t.db, bucket: r2.bucket, workspaceId: workspace.id, day: "2026-07-02" });
    const { workspaceId: _w, day: _d, methodologyVersion: _m, computedAt: _c, ...figures } = second[0];
    expect(recount.subscribers).toEqual([figures]);
    // Feed fetches alone make a rollup day: no downloads, no listeners.
    expect((await rollupOf(workspace.id, "2026-07-02")).downloads).toBe(0);
    expect(recount.listeners).toEqual([]);
  });

  it("counts listeners per UTC day: the day edge makes two, weeks add days up, subscribers average", async () => {
    const { workspace, show, episode } = await podcast();
    await recordAndConsume(episode.id, [
      { at: "2026-07-07T23:59:59.999Z", ip: "192.0.2.9", status: 200 },
      { at: "2026-07-08T00:00:00.000Z", ip: "192.0.2.9", status: 200 },
      { at: "2026-07-08T10:00:00.000Z", ip: "192.0.2.10", status: 200 },
      { at: "2026-07-08T10:00:00.000Z", ip: "192.0.2.10", status: 200 },
    ]);
    await recordFeedFetchesAndConsume(show.id, [
      { at: "2026-07-07T05:00:00Z", ip: "192.0.2.9" },
      { at: "2026-07-08T05:00:00Z", ip: "192.0.2.9" },
      { at: "2026-07-08T05:00:00Z", ip: "192.0.2.10" },
      { at: "2026-07-08T06:00:00Z", ip: "192.0.2.11", ua: FEEDLY(7) },
    ]);
    await runRollups({ db: t.db, bucket: r2.bucket, now: new Date("2026-07-08T23:17:00Z") });
    const report = (interval: "day" | "week") =>
      getDownloadsReport({
        db: t.db,
        workspaceId: workspace.id,
        showId: show.id,
        interval,
        now: new Date("2026-07-09T12:00:00Z"),
      });
    const daily = await report("day");
    expect(daily.series).toEqual([
      { period: "2026-07-07", downloads: 1, listeners: 1 },
      { period: "2026-07-08", downloads: 2, listeners: 2 },
    ]);
    expect(daily.listeners).toBe(3);
    expect(daily.episodes.map((e) => [e.id, e.downloads, e.listeners])).toEqual([[episode.id, 3, 3]]);
    expect(daily.subscribers).toEqual({
      series: [
        { period: "2026-07-07", subscribers: 1 },
        { period: "2026-07-08", subscribers: 9 },
      ],
      latest: { day: "2026-07-08", subscribers: 9 },
    });
    // 2026-07-07 and -08 are one ISO week (Tuesday, Wednesday): listeners add up, subscribers average.
    const weekly = await report("week");
    expect(weekly.series).toEqual([{ period: "2026-07-06", downloads: 3, listeners: 3 }]);
    expect(weekly.subscribers.series).toEqual([{ period: "2026-07-06", subscribers: 5 }]);
    const all = await getDownloadsReport({
      db: t.db,
      workspaceId: workspace.id,
      showId: null,
      interval: "day",
      now: new Date("2026-07-09T12:00:00Z"),
    });
    expect(all.series.map((s) => s.listeners)).toEqual([1, 2]);

    const csv = await exportAudience({
      db: t.db,
      workspaceId: workspace.id,
      days: 30,
      now: new Date("2026-07-09T12:00:00Z"),
    });
    expect(csv.rows).toEqual([
      { day: "2026-07-07", show: show.title, episode: "", listeners: 1, subscribers: 1 },
      { day: "2026-07-07", show: show.title, episode: episode.title, listeners: 1, subscribers: null },
      { day: "2026-07-08", show: show.title, episode: "", listeners: 2, subscribers: 9 },
      { day: "2026-07-08", show: show.title, episode: episode.title, listeners: 2, subscribers: null },
    ]);
    expect(csv.truncated).toBe(false);
  });
});
