import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adListenerFlights, adSlotBookings, adSlots, campaignFlights } from "../../db/schema";
import { arrangeRequest, InsertionCache } from "../../server/services/ads/insertion";
import { runRollups } from "../../server/services/analytics/rollup";
import { getPublishedEpisodeAudio } from "../../server/services/podcasts/public";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createCampaign, createCreative, createTeam } from "../support/factories";
import { fixture } from "../support/fixtures";
import { insertMedia, insertPublishedEpisode, insertShow } from "../support/podcasts";
import { createLocalR2 } from "../support/r2";
import { callerFor } from "../support/trpc";

/** Frequency caps per listener and UTC day across episodes (docs/decisions/024, addendum). */

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), r2?.dispose()]);
});

const DAY = "2026-01-15";
const EPISODE_MP3 = fixture("episode-44k-mono.mp3");
const AD_MP3 = fixture("ad-44k-mono.mp3");
const ALICE = { ip: "192.0.2.10", userAgent: "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0" };
const BOB = { ip: "198.51.100.7", userAgent: "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)" };

/**
 * A show with `episodes` published MP3 episodes, each with one pre-roll slot booked to a capped flight (priority
 * 10, so it wins whenever it may play) and, when `fallback`, an uncapped flight (priority 1).
 */
async function network(opts: { cap: number | null; episodes: number; fallback?: boolean }) {
  const x = await createTeam(t.db, `Network ${crypto.randomUUID().slice(0, 6)}`);
  const workspaceId = x.workspace.id;
  const show = await insertShow(t.db, workspaceId);
  const adMedia = await insertMedia(t.db, workspaceId, { size: AD_MP3.length, contentType: "audio/mpeg" });
  await r2.bucket.put(adMedia.r2Key, AD_MP3);
  const { campaign, flight: capped } = await createCampaign(t.db, workspaceId, {
    showId: show.id,
    flight: {
      status: "live",
      impressionsGoal: 100,
      priority: 10,
      frequencyCap: opts.cap,
      frequencyDays: opts.cap === null ? null : 1,
    },
  });
  const [fallback] = opts.fallback
    ? await t.db
        .insert(campaignFlights)
        .values({
          workspaceId,
          campaignId: campaign.id,
          name: "Fallback",
          startsOn: "2026-01-01",
          endsOn: "2026-01-31",
          position: "pre",
          impressionsGoal: 100,
          priority: 1,
          status: "live",
        })
        .returning()
    : [];
  const creative = await createCreative(t.db, campaign, { mediaId: adMedia.id, name: "Spot" });
  const episodes = [];
  for (let i = 0; i < opts.episodes; i++) {
    const { episode, media } = await insertPublishedEpisode(
      t.db,
      show,
      { title: `Episode ${i + 1}` },
      { size: EPISODE_MP3.length, contentType: "audio/mpeg", durationSeconds: 6 },
    );
    await r2.bucket.put(media.r2Key, EPISODE_MP3);
    const [slot] = await t.db
      .insert(adSlots)
      .values({ workspaceId, episodeId: episode.id, position: "pre" })
      .returning();
    await t.db.insert(adSlotBookings).values(
      [capped, ...(fallback ? [fallback] : [])].map((flight) => ({
        workspaceId,
        slotId: slot.id,
        flightId: flight.id,
        creativeId: creative.id,
        liveFrom: "2026-01-10",
      })),
    );
    episodes.push(episode);
  }
  return { x, workspaceId, campaign, capped, fallback, episodes };
}

/** One enclosure request as the media route makes it: the flights it played and the queries it cost. */
async function play(opts: {
  episode: { id: string };
  listener: { ip: string; userAgent: string };
  cache: InsertionCache;
  at?: string;
}) {
  const background: Promise<unknown>[] = [];
  const at = opts.at ?? `${DAY}T09:00:00.000Z`;
  t.resetQueryCount();
  const arrangement = await arrangeRequest({
    db: t.db,
    bucket: r2.bucket,
    episodeId: opts.episode.id,
    episode: getPublishedEpisodeAudio({ db: t.db, episodeId: opts.episode.id }),
    now: new Date(at),
    seed: [opts.listener.ip, opts.listener.userAgent, opts.episode.id, at.slice(0, 10)].join("\n"),
    listener: opts.listener,
    cache: opts.cache,
    layouts: null,
    waitUntil: (work) => background.push(work),
  });
  await Promise.all(background);
  return { flights: arrangement?.ads.map((ad) => ad.flightId) ?? [], queries: t.queryCount(), arrangement };
}

describe("frequency caps per listener and UTC day, across episodes", () => {
  it("plays a cap-1 flight in one episode a day: the next episode gets the other flight, the first keeps its ad", async () => {
    const n = await network({ cap: 1, episodes: 2, fallback: true });
    const cache = new InsertionCache();
    const [one, two] = n.episodes;

    const first = await play({ episode: one, listener: ALICE, cache });
    expect(first.flights).toEqual([n.capped.id]);
    const second = await play({ episode: two, listener: ALICE, cache });
    expect(second.flights).toEqual([n.fallback!.id]);

    // Repeated and range requests of the counted episode keep the same arrangement all day.
    for (const at of [`${DAY}T09:00:05.000Z`, `${DAY}T23:59:59.000Z`]) {
      const again = await play({ episode: one, listener: ALICE, cache, at });
      expect(again.flights).toEqual([n.capped.id]);
      expect(again.arrangement).toBe(first.arrangement);
    }
    expect((await play({ episode: two, listener: ALICE, cache })).flights).toEqual([n.fallback!.id]);

    // Another listener has their own count.
    expect((await play({ episode: two, listener: BOB, cache })).flights).toEqual([n.capped.id]);
    expect((await play({ episode: one, listener: BOB, cache })).flights).toEqual([n.fallback!.id]);

    // The next UTC day starts a new count (a new salt, a new key).
    const tomorrow = "2026-01-16T00:00:01.000Z";
    expect((await play({ episode: two, listener: ALICE, cache, at: tomorrow })).flights).toEqual([n.capped.id]);

    const counted = await t.db
      .select({ day: adListenerFlights.day, episodeId: adListenerFlights.episodeId })
      .from(adListenerFlights)
      .where(eq(adListenerFlights.flightId, n.capped.id));
    // Only the capped flight is counted: once per listener, episode and day.
    expect(counted).toHaveLength(3);
    expect(counted.filter((c) => c.day === DAY).map((c) => c.episodeId)).toEqual(
      expect.arrayContaining([one.id, two.id]),
    );
    const fallbackCounted = await t.db
      .select()
      .from(adListenerFlights)
      .where(eq(adListenerFlights.flightId, n.fallback!.id));
    expect(fallbackCounted).toEqual([]);
  });

  it("plays a cap-1 flight with nothing else booked in one episode only: the next is served without an ad", async () => {
    const n = await network({ cap: 1, episodes: 2 });
    const cache = new InsertionCache();
    expect((await play({ episode: n.episodes[0], listener: ALICE, cache })).flights).toEqual([n.capped.id]);
    const second = await play({ episode: n.episodes[1], listener: ALICE, cache });
    expect(second.arrangement).toBeNull();
  });

  it("lets a cap of 2 play in two episodes and not a third", async () => {
    const n = await network({ cap: 2, episodes: 3 });
    const cache = new InsertionCache();
    const played = [];
    for (const episode of n.episodes) played.push((await play({ episode, listener: ALICE, cache })).flights);
    expect(played).toEqual([[n.capped.id], [n.capped.id], []]);
    // The two counted episodes keep their ad when fetched again.
    expect((await play({ episode: n.episodes[1], listener: ALICE, cache })).flights).toEqual([n.capped.id]);
    expect((await play({ episode: n.episodes[0], listener: ALICE, cache })).flights).toEqual([n.capped.id]);
  });

  it("leaves uncapped flights as they were: every episode, no listener lookup, no extra query", async () => {
    const n = await network({ cap: null, episodes: 3 });
    const cache = new InsertionCache();
    for (const episode of n.episodes) {
      const first = await play({ episode, listener: ALICE, cache });
      expect(first.flights).toEqual([n.capped.id]);
      const again = await play({ episode, listener: ALICE, cache });
      // The audio row only (bookings and the arrangement are cached), as before caps existed.
      expect(again).toMatchObject({ flights: [n.capped.id], queries: 1 });
    }
    expect(await t.db.select().from(adListenerFlights).where(eq(adListenerFlights.workspaceId, n.workspaceId))).toEqual(
      [],
    );
  });

  it("costs a capped repeat request one extra read and no write", async () => {
    const n = await network({ cap: 1, episodes: 1 });
    const cache = new InsertionCache();
    await play({ episode: n.episodes[0], listener: ALICE, cache });
    const again = await play({ episode: n.episodes[0], listener: ALICE, cache });
    expect(again).toMatchObject({ flights: [n.capped.id], queries: 2 });
  });

  it("forgets who heard what with the salts, when the rollup runs", async () => {
    const n = await network({ cap: 1, episodes: 1 });
    await play({ episode: n.episodes[0], listener: ALICE, cache: new InsertionCache(), at: "2026-01-10T12:00:00Z" });
    const rows = () => t.db.select().from(adListenerFlights).where(eq(adListenerFlights.workspaceId, n.workspaceId));
    expect(await rows()).toHaveLength(1);
    await runRollups({ db: t.db, bucket: r2.bucket, now: new Date("2026-01-13T01:00:00Z") });
    expect(await rows()).toEqual([]);
  });
});

describe("the flight procedure", () => {
  it("refuses a cap over more than one day in words, and stores a one-day cap", async () => {
    const x = await createTeam(t.db, `Network ${crypto.randomUUID().slice(0, 6)}`);
    const show = await insertShow(t.db, x.workspace.id);
    const { campaign } = await createCampaign(t.db, x.workspace.id, { showId: show.id });
    const api = callerFor(t.db, x.editor).api;
    const fields = {
      workspaceId: x.workspace.id,
      campaignId: campaign.id,
      name: "Daily cap",
      startsOn: "2026-01-05",
      endsOn: "2026-01-20",
      position: "pre" as const,
      impressionsGoal: 1000,
      status: "booked" as const,
      showIds: [show.id],
    };
    await expect(api.campaigns.createFlight({ ...fields, frequency: { cap: 3, days: 7 } })).rejects.toThrow(
      "A cap can cover one day at most: listener keys change daily, so Greenroom cannot tell a listener apart across days.",
    );
    const flight = await api.campaigns.createFlight({ ...fields, frequency: { cap: 3, days: 1 } });
    expect(flight.frequency).toEqual({ cap: 3, days: 1 });
  });
});
