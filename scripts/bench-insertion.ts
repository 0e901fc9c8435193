import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { arrangeRequest, InsertionCache, type LayoutStore } from "../server/services/ads/insertion";
import { getPublishedEpisodeAudio } from "../server/services/podcasts/public";
import { createCampaign, createCreative } from "../tests/support/factories";
import { insertMedia, insertPublishedEpisode, insertShow } from "../tests/support/podcasts";
import { createLocalR2 } from "../tests/support/r2";
import { migrateDatabase } from "./local-db";

/**
 * Issue 14 item 6, "caches arrangements" (docs/decisions/024, addendum): what one enclosure request with an ad costs
 * before the bytes are sent, in-process (PGlite, miniflare's R2): a cold isolate and colo, a fresh isolate in a warm
 * colo (layouts from the Cache API), and a warm isolate. BENCH_INSERTION_MINUTES (default 30) sizes the episode,
 * BENCH_INSERTION_REQUESTS (default 2,000) the warm run.
 */
const MINUTES = Number(process.env.BENCH_INSERTION_MINUTES ?? 30);
const REQUESTS = Number(process.env.BENCH_INSERTION_REQUESTS ?? 2_000);

/** Silent MPEG-1 Layer III frames, 128 kbit/s 44.1 kHz mono: 417 bytes and 26.1 ms each. */
function silentMp3(frames: number) {
  const bytes = new Uint8Array(417 * frames);
  for (let i = 0; i < frames; i++) bytes.set([0xff, 0xfb, 0x90, 0xc4], i * 417);
  return bytes;
}

export async function benchInsertion() {
  const pglite = await PGlite.create();
  await migrateDatabase(pglite);
  let queries = 0;
  const db = drizzle({ client: pglite, schema, logger: { logQuery: () => void queries++ } }) as unknown as Database;
  const r2 = await createLocalR2();
  try {
    const [workspace] = await db.insert(schema.workspaces).values({ name: "Bench" }).returning();
    const show = await insertShow(db, workspace.id);
    const episodeMp3 = silentMp3(Math.round((MINUTES * 60_000) / 26.122));
    const adMp3 = silentMp3(1150);
    const { episode, media } = await insertPublishedEpisode(db, show, {}, { size: episodeMp3.length });
    const adMedia = await insertMedia(db, workspace.id, { size: adMp3.length });
    await r2.bucket.put(media.r2Key, episodeMp3);
    await r2.bucket.put(adMedia.r2Key, adMp3);
    const day = new Date().toISOString().slice(0, 10);
    const { campaign, flight } = await createCampaign(db, workspace.id, {
      showId: show.id,
      startsOn: day,
      endsOn: day,
      flight: { status: "live", impressionsGoal: 1_000_000 },
    });
    const creative = await createCreative(db, campaign, { mediaId: adMedia.id });
    const slots = await db
      .insert(schema.adSlots)
      .values([
        { workspaceId: workspace.id, episodeId: episode.id, position: "pre" },
        { workspaceId: workspace.id, episodeId: episode.id, position: "mid", atMs: (MINUTES * 60_000) / 2 },
      ])
      .returning();
    await db.insert(schema.adSlotBookings).values(
      slots.map((slot) => ({
        workspaceId: workspace.id,
        slotId: slot.id,
        flightId: flight.id,
        creativeId: creative.id,
        liveFrom: day,
      })),
    );

    let walkedBytes = 0;
    let reads = 0;
    const bucket = {
      get: async (key: string) => {
        reads++;
        const object = await r2.bucket.get(key);
        walkedBytes += object?.size ?? 0;
        return object;
      },
    } as unknown as R2Bucket;
    const colo = new Map<string, string>();
    const layouts: LayoutStore = {
      match: async (key) => (colo.has(key) ? new Response(colo.get(key)) : undefined),
      put: async (key, response) => void colo.set(key, await response.text()),
    };
    const request = async (cache: InsertionCache, listener: number) => {
      const background: Promise<unknown>[] = [];
      const arrangement = await arrangeRequest({
        db,
        bucket,
        episodeId: episode.id,
        episode: getPublishedEpisodeAudio({ db, episodeId: episode.id }),
        now: new Date(),
        seed: `listener-${listener}\n${day}`,
        listener: { ip: `192.0.2.${listener % 256}`, userAgent: "bench" },
        cache,
        layouts,
        waitUntil: (work) => background.push(work),
      });
      await Promise.all(background);
      if (!arrangement) throw new Error("bench: the episode was served without its ad");
    };
    const measure = async (label: string, runs: number, cacheFor: (i: number) => InsertionCache) => {
      [queries, reads, walkedBytes] = [0, 0, 0];
      const started = performance.now();
      for (let i = 0; i < runs; i++) await request(cacheFor(i), i);
      const ms = performance.now() - started;
      console.log(
        `  ${label.padEnd(34)} ${(ms / runs).toFixed(2).padStart(8)} ms ${(queries / runs).toFixed(2).padStart(8)} ` +
          `${(reads / runs).toFixed(2).padStart(8)} ${(walkedBytes / runs / 1_048_576).toFixed(2).padStart(10)}`,
      );
    };

    console.log(
      `\nAd insertion before the bytes (${MINUTES}-minute episode, ${(episodeMp3.length / 1_048_576).toFixed(1)} MiB, ` +
        `pre- and mid-roll booked; PGlite + miniflare R2, in-process):`,
    );
    console.log(
      `  ${"case".padEnd(34)} ${"per req".padStart(11)} ${"queries".padStart(8)} ${"R2 reads".padStart(8)} ${"MiB walked".padStart(10)}`,
    );
    await measure("cold isolate, cold colo", 1, () => new InsertionCache());
    await measure("fresh isolate, layouts in colo", 20, () => new InsertionCache());
    const warm = new InsertionCache();
    await request(warm, 0);
    await measure(`warm isolate (${REQUESTS} requests)`, REQUESTS, () => warm);
  } finally {
    await r2.dispose();
    await pglite.close();
  }
}
