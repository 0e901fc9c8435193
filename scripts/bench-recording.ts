import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { countAdDeliveries, type AdRequest } from "../server/services/ads/delivery";
import { countDownloads } from "../server/services/analytics/counting";
import { ingestEnclosureRequests, ingestFeedFetches } from "../server/services/analytics/ingest";
import {
  EnclosureRecorder,
  FeedFetchRecorder,
  ZRecordFeedFetchesPayload,
  ZRecordRequestsPayload,
} from "../server/services/analytics/recording";
import { countSubscribers, type CountableFetch } from "../server/services/analytics/subscribers";
import { memoryQueue } from "../tests/support/memory-queue";
import { insertPublishedEpisode, insertShow } from "../tests/support/podcasts";
import { migrateDatabase } from "./local-db";

/**
 * Issue 14 item 9: the recording path's throughput and the rollup's cost, in-process (no wrangler): the edge
 * recorder (salt, listener hash, batching into queue messages), the consumer's insert into Postgres (PGlite here:
 * one WASM backend, so a floor, not Neon's figure), and the pure counting of downloads and ad deliveries.
 * BENCH_RECORDING_REQUESTS (default 20,000) and BENCH_ROLLUP_REQUESTS (default 1,000,000) size the runs.
 */
const RECORD_REQUESTS = Number(process.env.BENCH_RECORDING_REQUESTS ?? 20_000);
const ROLLUP_REQUESTS = Number(process.env.BENCH_ROLLUP_REQUESTS ?? 1_000_000);
const APPS = [
  "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0",
  "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
  "Spotify/8.8.0 Android/33 (SM-G991B)",
  "PocketCasts/7.40 (Android)",
];

export async function benchRecording() {
  const pglite = await PGlite.create();
  await migrateDatabase(pglite);
  const db = drizzle({ client: pglite, schema }) as unknown as Database;
  try {
    const [workspace] = await db.insert(schema.workspaces).values({ name: "Bench" }).returning();
    const show = await insertShow(db, workspace.id);
    const { episode } = await insertPublishedEpisode(db, show, {}, { size: 60_000_000, durationSeconds: 3600 });

    // Edge: record every request, hash its listener, batch into queue messages.
    const { queue, sent } = memoryQueue();
    const recorder = new EnclosureRecorder(async () => {});
    const work: Promise<unknown>[] = [];
    const started = performance.now();
    for (let i = 0; i < RECORD_REQUESTS; i++) {
      const request = new Request("https://bench.test/media/episodes/x/audio.mp3", {
        headers: {
          "cf-connecting-ip": `203.0.${(i >> 8) & 255}.${i & 255}`,
          "user-agent": APPS[i % APPS.length],
          range: `bytes=${(i % 7) * 1_000_000}-`,
        },
      });
      const response = new Response(null, {
        status: 206,
        headers: { "content-range": `bytes ${(i % 7) * 1_000_000}-59999999/60000000`, "content-length": "1000000" },
      });
      recorder.record({
        request,
        response,
        episodeId: episode.id,
        now: new Date(),
        db,
        queue,
        waitUntil: (p) => work.push(p),
      });
    }
    await Promise.all(work);
    await recorder.flush({ db, queue });
    const edgeMs = performance.now() - started;

    // Consumer: one insert per message, as the job handles them (workers/queues/jobs/record-enclosure-requests.ts).
    const payloads = sent.map((m) => ZRecordRequestsPayload.parse(m.body.payload));
    const ingestStarted = performance.now();
    for (const payload of payloads) await ingestEnclosureRequests({ db, requests: payload.requests });
    const ingestMs = performance.now() - ingestStarted;
    const stored = await pglite.query<{ n: number }>("select count(*)::int as n from analytics_requests");

    // Rollup: the pure counts over synthetic requests (three per listener: a pre-load and two ranges).
    const requests: AdRequest[] = Array.from({ length: ROLLUP_REQUESTS }, (_, i) => {
      const listener = Math.floor(i / 3);
      const part = i % 3;
      return {
        id: `r${i}`,
        showId: show.id,
        episodeId: `e${listener % 50}`,
        requestedAt: new Date(Date.UTC(2026, 0, 15, 0, 0, i % 86_400)),
        listenerKey: `l${listener}`,
        method: "GET",
        status: 206,
        rangeHeader: part === 0 ? "bytes=0-1" : null,
        rangeStart: part === 0 ? 0 : part === 1 ? 0 : 30_000_000,
        bytesSent: part === 0 ? 2 : 30_000_000,
        userAgent: APPS[listener % APPS.length],
        country: "DE",
        arrangementId: `a${listener % 20}`,
      };
    });
    const countStarted = performance.now();
    const { counters } = countDownloads({ requests, thresholdOf: () => 1_000_000 });
    const countMs = performance.now() - countStarted;
    const ads = [{ flightId: "f", byteStart: 100_000, byteEnd: 600_000 }];
    const deliveryStarted = performance.now();
    const deliveries = countAdDeliveries({ requests, adsOf: () => ads });
    const deliveryMs = performance.now() - deliveryStarted;
    const perMillion = (ms: number) => ((ms / ROLLUP_REQUESTS) * 1_000_000) / 1000;

    // Feed fetches (docs/decisions/035): the same recorder path for every poll of a public feed, cache hits too.
    const feedQueue = memoryQueue();
    const feedRecorder = new FeedFetchRecorder(async () => {});
    const feedWork: Promise<unknown>[] = [];
    const feedStarted = performance.now();
    for (let i = 0; i < RECORD_REQUESTS; i++) {
      feedRecorder.record({
        request: new Request(`https://bench.test/feeds/${show.id}.xml`, {
          headers: { "cf-connecting-ip": `198.18.${(i >> 8) & 255}.${i & 255}`, "user-agent": APPS[i % APPS.length] },
        }),
        response: new Response(null, { status: i % 3 === 0 ? 200 : 304 }),
        showId: show.id,
        now: new Date(),
        db,
        queue: feedQueue.queue,
        waitUntil: (p) => feedWork.push(p),
      });
    }
    await Promise.all(feedWork);
    await feedRecorder.flush({ db, queue: feedQueue.queue });
    const feedEdgeMs = performance.now() - feedStarted;
    const feedPayloads = feedQueue.sent.map((m) => ZRecordFeedFetchesPayload.parse(m.body.payload));
    const feedIngestStarted = performance.now();
    for (const payload of feedPayloads) await ingestFeedFetches({ db, fetches: payload.requests });
    const feedIngestMs = performance.now() - feedIngestStarted;

    // Subscriber estimate over synthetic fetches: pollers every ~2 h (12 a day each), some aggregators.
    const fetches: CountableFetch[] = Array.from({ length: ROLLUP_REQUESTS }, (_, i) => ({
      id: `f${i}`,
      showId: `s${Math.floor(i / 12) % 100}`,
      fetchedAt: new Date(Date.UTC(2026, 0, 15, 0, 0, i % 86_400)),
      listenerKey: `l${Math.floor(i / 12)}`,
      method: "GET",
      status: i % 4 === 0 ? 200 : 304,
      userAgent:
        i % 1000 === 0 ? `Feedly/1.0 (+http://www.feedly.com/fetcher.html; ${i % 97} subscribers; )` : APPS[i % 4],
    }));
    const subscribersStarted = performance.now();
    const subscriberCells = countSubscribers(fetches);
    const subscribersMs = performance.now() - subscribersStarted;

    console.log(`\nRecording path (${RECORD_REQUESTS} requests, ${sent.length} queue messages):`);
    console.log(`  edge recorder (hash + batch + send): ${((RECORD_REQUESTS / edgeMs) * 1000).toFixed(0)} requests/s`);
    console.log(
      `  consumer insert into PGlite: ${((stored.rows[0].n / ingestMs) * 1000).toFixed(0)} requests/s (${stored.rows[0].n} rows)`,
    );
    console.log(`Feed fetch recording (${RECORD_REQUESTS} fetches, ${feedQueue.sent.length} queue messages):`);
    console.log(
      `  edge recorder (hash + batch + send): ${((RECORD_REQUESTS / feedEdgeMs) * 1000).toFixed(0)} fetches/s`,
    );
    console.log(`  consumer insert into PGlite: ${((RECORD_REQUESTS / feedIngestMs) * 1000).toFixed(0)} fetches/s`);
    console.log(`Rollup over ${ROLLUP_REQUESTS} requests (${counters.downloads} downloads):`);
    console.log(`  countDownloads: ${perMillion(countMs).toFixed(2)} s per million requests`);
    console.log(
      `  countAdDeliveries: ${perMillion(deliveryMs).toFixed(2)} s per million requests (${deliveries.reduce((n, c) => n + c.delivered, 0)} impressions)`,
    );
    console.log(
      `  countSubscribers: ${perMillion(subscribersMs).toFixed(2)} s per million feed fetches (${subscriberCells.reduce((n, c) => n + c.subscribers, 0)} subscribers)`,
    );
  } finally {
    await pglite.close();
  }
}
