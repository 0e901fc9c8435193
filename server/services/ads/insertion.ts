import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  adArrangements,
  adDeliveries,
  adSlotBookings,
  adSlots,
  campaignCreatives,
  campaignFlights,
  episodes,
  mediaObjects,
  type ArrangementAd,
} from "../../../db/schema";
import { encodingMismatch, scanMp3Stream, type Mp3Layout } from "./mp3";
import { chooseAds, type SlotCandidate } from "./selection";
import { buildArrangement, type AdInsertion, type Part } from "./stitch";

/**
 * Dynamic insertion at the edge (docs/decisions/024): for one enclosure request, the ads booked into the
 * episode's slots whose flights are live today, chosen per listener and day, joined into the episode's MP3.
 */

interface BookedAd extends SlotCandidate {
  position: "pre" | "mid" | "post";
  atMs: number | null;
  adKey: string;
}

/** Bookings playable today: flight live and in its dates, booked live from today or earlier, audio creative ready. */
export async function liveBookings(opts: { db: DbOrTx; episodeId: string; day: string }): Promise<BookedAd[]> {
  const delivered = opts.db
    .select({ total: sql<number>`coalesce(sum(${adDeliveries.delivered}), 0)::int` })
    .from(adDeliveries)
    .where(and(eq(adDeliveries.workspaceId, adSlots.workspaceId), eq(adDeliveries.flightId, campaignFlights.id)));
  return opts.db
    .select({
      slotId: adSlots.id,
      position: adSlots.position,
      atMs: adSlots.atMs,
      flightId: campaignFlights.id,
      creativeId: campaignCreatives.id,
      priority: campaignFlights.priority,
      impressionsGoal: campaignFlights.impressionsGoal,
      delivered: sql<number>`(${delivered})`.mapWith(Number),
      adKey: mediaObjects.r2Key,
    })
    .from(adSlots)
    .innerJoin(
      adSlotBookings,
      and(eq(adSlotBookings.slotId, adSlots.id), eq(adSlotBookings.workspaceId, adSlots.workspaceId)),
    )
    .innerJoin(
      campaignFlights,
      and(eq(campaignFlights.id, adSlotBookings.flightId), eq(campaignFlights.workspaceId, adSlots.workspaceId)),
    )
    .innerJoin(
      campaignCreatives,
      and(eq(campaignCreatives.id, adSlotBookings.creativeId), eq(campaignCreatives.workspaceId, adSlots.workspaceId)),
    )
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, campaignCreatives.mediaId), eq(mediaObjects.workspaceId, adSlots.workspaceId)),
    )
    .where(
      and(
        eq(adSlots.episodeId, opts.episodeId),
        eq(campaignFlights.status, "live"),
        lte(campaignFlights.startsOn, opts.day),
        gte(campaignFlights.endsOn, opts.day),
        lte(adSlotBookings.liveFrom, opts.day),
        eq(campaignCreatives.kind, "audio"),
        eq(mediaObjects.status, "ready"),
      ),
    );
}

/** Layouts per isolate: scanning walks the whole file once, so each file is scanned once per isolate. */
const layouts = new Map<string, Promise<Mp3Layout>>();
const LAYOUT_CACHE_ENTRIES = 64;

function layoutOf(bucket: R2Bucket, key: string, targetsMs: number[]) {
  const cacheKey = `${key}\n${targetsMs.join(",")}`;
  let layout = layouts.get(cacheKey);
  if (!layout) {
    layout = (async () => {
      const object = await bucket.get(key);
      if (!object) throw new Error(`ads: ${key} is missing from storage`);
      return scanMp3Stream(object.body, targetsMs);
    })();
    // A failed scan is not cached: the next request tries again.
    layout.catch(() => layouts.delete(cacheKey)).catch(() => undefined);
    if (layouts.size >= LAYOUT_CACHE_ENTRIES) layouts.delete(layouts.keys().next().value!);
    layouts.set(cacheKey, layout);
  }
  return layout;
}

export interface ServedArrangement {
  id: string;
  parts: Part[];
  ads: ArrangementAd[];
  size: number;
  durationMs: number;
}

/** The arrangement's id: a hash of what its bytes are made of, so every isolate names the same bytes alike. */
async function arrangementId(episodeKey: string, chosen: readonly BookedAd[]) {
  const description = JSON.stringify([episodeKey, chosen.map((c) => [c.slotId, c.flightId, c.creativeId, c.adKey])]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(description));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The arrangement for this request, or null when the episode has nothing to insert (it is then served as stored).
 * An episode or ad whose encodings do not match is served without that ad (bookings refuse them; this guards
 * files replaced since).
 */
export async function arrangeEpisode(opts: {
  bucket: R2Bucket;
  bookings: readonly BookedAd[];
  episode: { r2Key: string };
  seed: string;
}): Promise<ServedArrangement | null> {
  if (opts.bookings.length === 0) return null;
  const chosen = [...(await chooseAds({ candidates: opts.bookings, seed: opts.seed })).values()] as BookedAd[];
  if (chosen.length === 0) return null;
  const targets = [...new Set(chosen.flatMap((c) => (c.position === "mid" && c.atMs !== null ? [c.atMs] : [])))].sort(
    (a, b) => a - b,
  );
  const episode = await layoutOf(opts.bucket, opts.episode.r2Key, targets);
  const insertions: (AdInsertion & { booking: BookedAd })[] = [];
  for (const booking of chosen) {
    const layout = await layoutOf(opts.bucket, booking.adKey, []);
    if (encodingMismatch(episode.encoding, layout.encoding)) continue;
    insertions.push({
      booking,
      position: booking.position,
      split: booking.position === "mid" ? episode.splits[targets.indexOf(booking.atMs ?? -1)] : undefined,
      ref: booking.flightId,
      key: booking.adKey,
      layout,
    });
  }
  if (insertions.length === 0) return null;
  const built = buildArrangement({ episode: { key: opts.episode.r2Key, layout: episode }, insertions });
  const creativeOf = new Map(insertions.map((i) => [i.booking.flightId, i.booking.creativeId]));
  return {
    id: await arrangementId(
      opts.episode.r2Key,
      insertions.map((i) => i.booking),
    ),
    parts: built.parts,
    size: built.size,
    durationMs: Math.round(built.durationMs),
    ads: built.ads.map((ad) => ({
      flightId: ad.ref,
      creativeId: creativeOf.get(ad.ref)!,
      byteStart: ad.byteStart,
      byteEnd: ad.byteEnd,
      startMs: Math.round(ad.startMs),
      durationMs: Math.round(ad.durationMs),
      episodeAtMs: Math.round(ad.episodeAtMs),
    })),
  };
}

/** Stores an arrangement the first time it is served (idempotent), so delivery counting can read its ads back. */
export async function saveArrangement(opts: { db: DbOrTx; episodeId: string; arrangement: ServedArrangement }) {
  const [episode] = await opts.db
    .select({ workspaceId: episodes.workspaceId, mediaId: episodes.audioMediaId })
    .from(episodes)
    .where(eq(episodes.id, opts.episodeId));
  if (!episode) return;
  await opts.db
    .insert(adArrangements)
    .values({
      id: opts.arrangement.id,
      workspaceId: episode.workspaceId,
      episodeId: opts.episodeId,
      mediaId: episode.mediaId,
      size: opts.arrangement.size,
      durationMs: opts.arrangement.durationMs,
      ads: opts.arrangement.ads,
    })
    .onConflictDoNothing({ target: adArrangements.id });
}
