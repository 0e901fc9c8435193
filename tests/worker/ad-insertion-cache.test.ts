import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adArrangements, adSlotBookings, adSlots } from "../../db/schema";
import { arrangeEpisode, InsertionCache, liveBookings } from "../../server/services/ads/insertion";
import { edgeCache } from "../../server/lib/edge-cache";
import { ipPrefix, utcDay } from "../../server/services/analytics/listener";
import { createCampaign, createCreative } from "../support/factories";
import { insertMedia, insertPublishedEpisode, insertShow } from "../support/podcasts";
import { send, signUpOverHttp } from "./http";
import { workerDb } from "./podcast-fixtures";

/** Silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz mono, 417 bytes each): joinable without a fixture file. */
function silentMp3(frames: number) {
  const bytes = new Uint8Array(417 * frames);
  for (let i = 0; i < frames; i++) bytes.set([0xff, 0xfb, 0x90, 0xc4], i * 417);
  return bytes;
}

/** The Worker's bucket, counting whole-file reads (layout walks) apart from the ranged reads that serve bytes. */
function countingMedia() {
  const walks: string[] = [];
  const ranged: string[] = [];
  const bucket = new Proxy(env.MEDIA, {
    get(target, property) {
      if (property === "get")
        return (key: string, options?: R2GetOptions) => {
          (options?.range ? ranged : walks).push(key);
          return target.get(key, options);
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { bucket, walks, ranged };
}

/** A published MP3 episode with a pre-roll slot booked with a live flight's recorded ad, today. */
async function episodeWithAd() {
  const owner = await signUpOverHttp("Ad Owner");
  const handle = workerDb();
  try {
    const today = utcDay(new Date());
    const episodeMp3 = silentMp3(300);
    const adMp3 = silentMp3(60);
    const show = await insertShow(handle.db, owner.workspaceId, { title: "Ad Show", category: "Technology" });
    const { episode, media } = await insertPublishedEpisode(
      handle.db,
      show,
      { title: "With an ad", episodeNumber: 1 },
      { size: episodeMp3.length, contentType: "audio/mpeg" },
    );
    const adMedia = await insertMedia(handle.db, owner.workspaceId, { size: adMp3.length, contentType: "audio/mpeg" });
    await Promise.all([env.MEDIA.put(media.r2Key, episodeMp3), env.MEDIA.put(adMedia.r2Key, adMp3)]);
    const { campaign, flight } = await createCampaign(handle.db, owner.workspaceId, {
      showId: show.id,
      startsOn: today,
      endsOn: today,
      flight: { status: "live", impressionsGoal: 100 },
    });
    const creative = await createCreative(handle.db, campaign, { mediaId: adMedia.id, name: "Spot" });
    const [slot] = await handle.db
      .insert(adSlots)
      .values({ workspaceId: owner.workspaceId, episodeId: episode.id, position: "pre" })
      .returning();
    await handle.db.insert(adSlotBookings).values({
      workspaceId: owner.workspaceId,
      slotId: slot.id,
      flightId: flight.id,
      creativeId: creative.id,
      liveFrom: today,
    });
    return { episode, media, size: episodeMp3.length + adMp3.length, today };
  } finally {
    await handle.close();
  }
}

const LISTENER = {
  "user-agent": "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
  "cf-connecting-ip": "203.0.113.9",
};

describe("cached ad arrangements at the edge (ADR 024 addendum)", () => {
  it("walks each file once, then serves repeated requests with one query and only the ranges they send", async () => {
    const { episode, media, size } = await episodeWithAd();
    const path = `/media/episodes/${episode.id}/audio.mp3`;
    const first = countingMedia();
    const whole = await send(path, { headers: LISTENER }, { ...env, MEDIA: first.bucket });
    expect(whole.status).toBe(200);
    expect((await whole.arrayBuffer()).byteLength).toBe(size);
    const arrangementId = whole.headers.get("x-greenroom-arrangement");
    expect(arrangementId).toMatch(/^[0-9a-f]{24}$/);
    // The episode and the ad are each walked once. Bookings and the audio row are read in one wave; the isolate's
    // first request also reads the day's salt for the download recorder (immediate with local tools), maybe in time
    // to be counted.
    expect(first.walks.length).toBe(2);
    expect(Number(whole.headers.get("x-greenroom-db-queries"))).toBeGreaterThanOrEqual(2);
    expect(Number(whole.headers.get("x-greenroom-db-queries"))).toBeLessThanOrEqual(3);

    for (const range of ["bytes=0-999", "bytes=1000-", undefined]) {
      const again = countingMedia();
      const response = await send(
        path,
        { headers: { ...LISTENER, ...(range ? { range } : {}) } },
        { ...env, MEDIA: again.bucket },
      );
      await response.arrayBuffer();
      expect(response.headers.get("x-greenroom-arrangement"), range).toBe(arrangementId);
      // No walk, no bookings query: only the audio row (publication can change) and the bytes served.
      expect(again.walks, range).toEqual([]);
      expect(again.ranged.length, range).toBeGreaterThan(0);
      expect(response.headers.get("x-greenroom-db-queries"), range).toBe("1");
    }

    const handle = workerDb();
    try {
      const stored = await handle.db
        .select({ id: adArrangements.id, size: adArrangements.size })
        .from(adArrangements)
        .where(eq(adArrangements.episodeId, episode.id));
      expect(stored).toEqual([{ id: arrangementId, size }]);

      // A fresh isolate in the same colo takes both layouts from the Cache API and builds the same arrangement.
      const fresh = countingMedia();
      const today = utcDay(new Date());
      const bookings = await liveBookings({ db: handle.db, episodeId: episode.id, day: today });
      const seed = [ipPrefix(LISTENER["cf-connecting-ip"]), LISTENER["user-agent"], episode.id, today].join("\n");
      const rebuilt = await arrangeEpisode({
        bucket: fresh.bucket,
        bookings,
        episode: { r2Key: media.r2Key },
        seed,
        cache: new InsertionCache(),
        layouts: edgeCache(),
      });
      expect(edgeCache()).not.toBeNull();
      expect(fresh.walks).toEqual([]);
      expect(rebuilt?.id).toBe(arrangementId);
      expect(rebuilt?.size).toBe(size);
    } finally {
      await handle.close();
    }
  });
});
