import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adArrangements, adDeliveries, adSlotBookings, adSlots, campaignFlights } from "../../db/schema";
import { serveConcatenation } from "../../server/services/ads/concat";
import {
  arrangeEpisode,
  arrangeRequest,
  BOOKINGS_TTL_MS,
  InsertionCache,
  liveBookings,
  saveArrangement,
  type LayoutStore,
} from "../../server/services/ads/insertion";
import { getPublishedEpisodeAudio } from "../../server/services/podcasts/public";
import { scanMp3 } from "../../server/services/ads/mp3";
import { ingestEnclosureRequests } from "../../server/services/analytics/ingest";
import { rollupDay } from "../../server/services/analytics/rollup";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createCampaign, createCreative, createUser, createWorkspace } from "../support/factories";
import { fixture } from "../support/fixtures";
import { insertMedia, insertPublishedEpisode, insertShow } from "../support/podcasts";
import { createLocalR2 } from "../support/r2";

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), r2?.dispose()]);
});

const DAY = "2026-01-15";
const APPLE = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
const EPISODE_MP3 = fixture("episode-44k-mono.mp3");
const AD_MP3 = fixture("ad-44k-mono.mp3");

/** A published episode with real MP3 audio, a live flight with a pre-recorded ad, and pre- and mid-roll slots. */
async function network(opts: { liveFrom?: string; flightStatus?: "live" | "paused" } = {}) {
  const owner = await createUser(t.db);
  const workspace = await createWorkspace(t.db, owner);
  const show = await insertShow(t.db, workspace.id);
  const { episode, media } = await insertPublishedEpisode(
    t.db,
    show,
    {},
    { size: EPISODE_MP3.length, contentType: "audio/mpeg", durationSeconds: 6 },
  );
  await r2.bucket.put(media.r2Key, EPISODE_MP3);
  const adMedia = await insertMedia(t.db, workspace.id, { size: AD_MP3.length, contentType: "audio/mpeg" });
  await r2.bucket.put(adMedia.r2Key, AD_MP3);
  const { campaign, flight } = await createCampaign(t.db, workspace.id, {
    showId: show.id,
    flight: { status: opts.flightStatus ?? "live", impressionsGoal: 100 },
  });
  const creative = await createCreative(t.db, campaign, { mediaId: adMedia.id, name: "Spot" });
  const slots = await t.db
    .insert(adSlots)
    .values([
      { workspaceId: workspace.id, episodeId: episode.id, position: "pre" },
      { workspaceId: workspace.id, episodeId: episode.id, position: "mid", atMs: 3000 },
    ])
    .returning();
  await t.db.insert(adSlotBookings).values(
    slots.map((slot) => ({
      workspaceId: workspace.id,
      slotId: slot.id,
      flightId: flight.id,
      creativeId: creative.id,
      liveFrom: opts.liveFrom ?? "2026-01-10",
    })),
  );
  return { workspace, show, episode, media, flight, slots };
}

describe("dynamic insertion from bookings to delivered impressions", () => {
  it("serves a stitched, valid MP3 with the ad once per download, and counts only whole ads", async () => {
    const n = await network();
    const bookings = await liveBookings({ db: t.db, episodeId: n.episode.id, day: DAY });
    expect(bookings).toHaveLength(2);
    const arrangement = await arrangeEpisode({
      bucket: r2.bucket,
      bookings,
      episode: { r2Key: n.media.r2Key },
      seed: `listener\n${DAY}`,
    });
    // One flight plays once per arrangement: the pre-roll slot (first in slot order) or the mid-roll, not both.
    expect(arrangement?.ads).toHaveLength(1);
    const again = await arrangeEpisode({
      bucket: r2.bucket,
      bookings,
      episode: { r2Key: n.media.r2Key },
      seed: `listener\n${DAY}`,
    });
    expect(again?.id).toBe(arrangement!.id);
    await saveArrangement({ db: t.db, episodeId: n.episode.id, arrangement: arrangement! });

    const response = serveConcatenation({
      request: new Request("https://x.test/audio.mp3"),
      parts: arrangement!.parts,
      etag: `"a-${arrangement!.id}"`,
      read: async (key, offset, length) => (await r2.bucket.get(key, { range: { offset, length } }))!.body,
      headers: {},
    });
    const stitched = new Uint8Array(await response.arrayBuffer());
    expect(stitched.length).toBe(arrangement!.size);
    expect(scanMp3(stitched).frames).toBe(231 + 78);
    const [ad] = arrangement!.ads;

    const base = {
      episodeId: n.episode.id,
      method: "GET",
      status: 206,
      userAgent: APPLE,
      country: "DE",
      referrer: null,
      arrangementId: arrangement!.id,
      requestedAt: `${DAY}T08:00:00.000Z`,
    };
    await ingestEnclosureRequests({
      db: t.db,
      requests: [
        // Listener 1: the whole file in two ranges.
        {
          ...base,
          id: crypto.randomUUID(),
          listenerKey: "one",
          rangeHeader: "bytes=0-",
          rangeStart: 0,
          bytesSent: ad.byteEnd - 100,
        },
        {
          ...base,
          id: crypto.randomUUID(),
          listenerKey: "one",
          rangeHeader: null,
          rangeStart: ad.byteEnd - 100,
          bytesSent: stitched.length - ad.byteEnd + 100,
        },
        // Listener 2: stopped one byte before the ad's end.
        {
          ...base,
          id: crypto.randomUUID(),
          listenerKey: "two",
          rangeHeader: null,
          rangeStart: 0,
          bytesSent: ad.byteEnd - 1,
        },
      ],
    });
    await rollupDay({
      db: t.db,
      bucket: r2.bucket,
      workspaceId: n.workspace.id,
      day: DAY,
      now: new Date(`${DAY}T09:00:00Z`),
    });
    const rows = await t.db.select().from(adDeliveries).where(eq(adDeliveries.workspaceId, n.workspace.id));
    expect(rows).toEqual([
      {
        workspaceId: n.workspace.id,
        day: DAY,
        flightId: n.flight.id,
        showId: n.show.id,
        episodeId: n.episode.id,
        country: "DE",
        app: "Apple Podcasts",
        delivered: 1,
      },
    ]);
    // Re-running the rollup replaces, never adds.
    await rollupDay({
      db: t.db,
      bucket: r2.bucket,
      workspaceId: n.workspace.id,
      day: DAY,
      now: new Date(`${DAY}T10:00:00Z`),
    });
    const again2 = await t.db
      .select()
      .from(adDeliveries)
      .where(and(eq(adDeliveries.workspaceId, n.workspace.id), eq(adDeliveries.day, DAY)));
    expect(again2.map((r) => r.delivered)).toEqual([1]);
  });

  it("plays nothing before a booking is live, or while its flight is paused", async () => {
    const early = await network({ liveFrom: "2026-01-20" });
    expect(await liveBookings({ db: t.db, episodeId: early.episode.id, day: DAY })).toEqual([]);
    const paused = await network({ flightStatus: "paused" });
    expect(await liveBookings({ db: t.db, episodeId: paused.episode.id, day: DAY })).toEqual([]);
  });

  it("never joins another workspace's creative or flight into an episode", async () => {
    const mine = await network();
    const theirs = await network();
    // A booking row pointing at the other tenant's flight (as a bug or a forged write would make it).
    const [foreignSlot] = await t.db
      .insert(adSlots)
      .values({ workspaceId: mine.workspace.id, episodeId: mine.episode.id, position: "post" })
      .returning();
    const [theirBooking] = await t.db
      .select()
      .from(adSlotBookings)
      .where(eq(adSlotBookings.workspaceId, theirs.workspace.id));
    await t.db.insert(adSlotBookings).values({
      workspaceId: mine.workspace.id,
      slotId: foreignSlot.id,
      flightId: theirs.flight.id,
      creativeId: theirBooking.creativeId,
      liveFrom: "2026-01-01",
    });
    const bookings = await liveBookings({ db: t.db, episodeId: mine.episode.id, day: DAY });
    expect(bookings.map((b) => b.flightId)).toEqual([mine.flight.id, mine.flight.id]);
  });
});

/** The bucket, counting every read (whole-file or ranged) the insertion makes of it. */
function countingBucket(bucket: R2Bucket) {
  const reads: string[] = [];
  const counted = new Proxy(bucket, {
    get(target, property) {
      if (property === "get")
        return (key: string, options?: R2GetOptions) => {
          reads.push(key);
          return target.get(key, options);
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { bucket: counted, reads };
}

/** A colo's Cache API as the Workers runtime offers it (match/put by URL), in memory: Node has no `caches`. */
function memoryLayoutStore(): LayoutStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    match: async (key) => (entries.has(key) ? new Response(entries.get(key)) : undefined),
    put: async (key, response) => void entries.set(key, await response.text()),
  };
}

describe("cached arrangements (ADR 024 addendum)", () => {
  /** One enclosure request as the media route makes it, returning what it cost. */
  async function request(opts: {
    n: Awaited<ReturnType<typeof network>>;
    cache: InsertionCache;
    layouts: LayoutStore | null;
    listener: string;
    at: string;
  }) {
    const { bucket, reads } = countingBucket(r2.bucket);
    const background: Promise<unknown>[] = [];
    t.resetQueryCount();
    const now = new Date(opts.at);
    const arrangement = await arrangeRequest({
      db: t.db,
      bucket,
      episodeId: opts.n.episode.id,
      episode: getPublishedEpisodeAudio({ db: t.db, episodeId: opts.n.episode.id }),
      now,
      seed: `${opts.listener}\n${opts.at.slice(0, 10)}`,
      listener: { ip: "192.0.2.1", userAgent: opts.listener },
      cache: opts.cache,
      layouts: opts.layouts,
      waitUntil: (work) => background.push(work),
    });
    await Promise.all(background);
    return { arrangement, r2Reads: reads.length, queries: t.queryCount() };
  }

  it("builds an arrangement once per isolate: a repeated request reads no R2 and makes one query", async () => {
    const n = await network();
    const cache = new InsertionCache();
    const layouts = memoryLayoutStore();
    const at = `${DAY}T08:00:00.000Z`;

    const first = await request({ n, cache, layouts, listener: "one", at });
    expect(first.arrangement?.ads).toHaveLength(1);
    // Cold isolate and colo: the episode and the ad are walked once each; bookings + audio row, then the
    // arrangement's row (episode lookup + insert) after the response.
    expect(first).toMatchObject({ r2Reads: 2, queries: 4 });
    expect(layouts.entries.size).toBe(2);

    for (let i = 0; i < 5; i++) {
      const again = await request({ n, cache, layouts, listener: "one", at: `${DAY}T08:00:0${i + 1}.000Z` });
      expect(again.arrangement).toBe(first.arrangement);
      // Only the episode's audio row is read (publication and the file can change); nothing is written again.
      expect(again).toMatchObject({ r2Reads: 0, queries: 1 });
    }

    // The cache is keyed by what the arrangement is made of, not by listener: with one flight every listener
    // draws the same slot (the first in slot order takes it, and a flight plays once per arrangement).
    for (const listener of ["two", "three", "four"]) {
      const other = await request({ n, cache, layouts, listener, at });
      expect(other.arrangement).toBe(first.arrangement);
      expect(other).toMatchObject({ r2Reads: 0, queries: 1 });
    }
    const stored = await t.db
      .select({ id: adArrangements.id })
      .from(adArrangements)
      .where(eq(adArrangements.episodeId, n.episode.id));
    expect(stored).toEqual([{ id: first.arrangement!.id }]);
  });

  it("lets a fresh isolate take the layouts from the colo's cache, and builds the same bytes", async () => {
    const n = await network();
    const layouts = memoryLayoutStore();
    const at = `${DAY}T08:00:00.000Z`;
    const warm = await request({ n, cache: new InsertionCache(), layouts, listener: "one", at });
    expect(warm.r2Reads).toBe(2);

    const fresh = await request({ n, cache: new InsertionCache(), layouts, listener: "one", at });
    expect(fresh.r2Reads).toBe(0);
    // A new isolate does not know the row is stored: bookings, audio row, and the idempotent insert once more.
    expect(fresh.queries).toBe(4);
    expect(fresh.arrangement).toEqual(warm.arrangement);

    // Without a colo cache (Node, or an evicted entry) the files are walked again, to the same result.
    const bare = await request({ n, cache: new InsertionCache(), layouts: null, listener: "one", at });
    expect(bare.r2Reads).toBe(2);
    expect(bare.arrangement).toEqual(warm.arrangement);
  });

  it(`stops a paused flight within ${BOOKINGS_TTL_MS / 1000} s, and hears a new booking at once`, async () => {
    const n = await network();
    const cache = new InsertionCache();
    const start = Date.parse(`${DAY}T08:00:00.000Z`);
    const at = (ms: number) => new Date(start + ms).toISOString();
    expect((await request({ n, cache, layouts: null, listener: "one", at: at(0) })).arrangement).not.toBeNull();

    await t.db.update(campaignFlights).set({ status: "paused" }).where(eq(campaignFlights.id, n.flight.id));
    const stale = await request({ n, cache, layouts: null, listener: "one", at: at(BOOKINGS_TTL_MS - 1) });
    expect(stale.arrangement).not.toBeNull();
    expect(stale.queries).toBe(1);
    const after = await request({ n, cache, layouts: null, listener: "one", at: at(BOOKINGS_TTL_MS) });
    expect(after.arrangement).toBeNull();

    // An episode without live bookings is not remembered as such: resuming the flight plays on the next request.
    await t.db.update(campaignFlights).set({ status: "live" }).where(eq(campaignFlights.id, n.flight.id));
    const resumed = await request({ n, cache, layouts: null, listener: "one", at: at(BOOKINGS_TTL_MS + 1) });
    expect(resumed.arrangement).not.toBeNull();
  });

  it("names a moved mid-roll's bytes with a new id", async () => {
    const n = await network();
    const at = `${DAY}T08:00:00.000Z`;
    const mid = n.slots.find((slot) => slot.position === "mid")!;
    // Only the mid-roll plays: the pre-roll's booking goes.
    const pre = n.slots.find((slot) => slot.position === "pre")!;
    await t.db.delete(adSlotBookings).where(eq(adSlotBookings.slotId, pre.id));
    const listener = "one";
    const before = (await request({ n, cache: new InsertionCache(), layouts: null, listener, at })).arrangement;
    expect(before!.ads[0].episodeAtMs).toBeGreaterThan(2000);
    await t.db.update(adSlots).set({ atMs: 1000 }).where(eq(adSlots.id, mid.id));
    const moved = await request({ n, cache: new InsertionCache(), layouts: null, listener, at });
    expect(moved.arrangement!.ads[0].episodeAtMs).toBeLessThan(before!.ads[0].episodeAtMs);
    expect(moved.arrangement!.id).not.toBe(before!.id);
  });
});
