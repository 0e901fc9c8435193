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
import { daySalt, importSalt, listenerKey, utcDay } from "../analytics/listener";
import { cappedOutFlights, recordListenerFlights } from "./frequency";
import { encodingMismatch, scanMp3Stream, type Mp3Layout } from "./mp3";
import { chooseAds, type SlotCandidate } from "./selection";
import { buildArrangement, type AdInsertion, type Part } from "./stitch";

/**
 * Dynamic insertion at the edge (docs/decisions/024): for one enclosure request, the ads booked into the
 * episode's slots whose flights are live today, chosen per listener and day, joined into the episode's MP3.
 */

interface BookedAd extends SlotCandidate {
  workspaceId: string;
  /** Episodes per listener and UTC day this flight may play in; null: no cap. */
  frequencyCap: number | null;
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
      workspaceId: adSlots.workspaceId,
      position: adSlots.position,
      atMs: adSlots.atMs,
      flightId: campaignFlights.id,
      creativeId: campaignCreatives.id,
      priority: campaignFlights.priority,
      frequencyCap: campaignFlights.frequencyCap,
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

export interface ServedArrangement {
  id: string;
  parts: Part[];
  ads: ArrangementAd[];
  size: number;
  durationMs: number;
}

/** The few methods of a Workers Cache this module uses (a `Cache` fits; Node tests pass their own). */
export interface LayoutStore {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
}

/** A bounded per-isolate memo of promises: the oldest entry goes first, and a failure is forgotten (retried next). */
class Memo<V> {
  private readonly entries = new Map<string, Promise<V>>();
  constructor(private readonly capacity: number) {}

  get(key: string, make: () => Promise<V>): Promise<V> {
    const known = this.entries.get(key);
    if (known) return known;
    const value = make();
    value.catch(() => {
      if (this.entries.get(key) === value) this.entries.delete(key);
    });
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }
}

/**
 * Bookings are kept this long per isolate (docs/decisions/024, addendum "Caching arrangements"): a paused, ended or
 * unbooked flight stops being inserted within 30 s. Only non-empty answers are kept, so a new booking on an episode
 * with none is heard at once and ad-free episodes cost what they did.
 */
export const BOOKINGS_TTL_MS = 30_000;
/** Layouts in the colo's cache: keyed by the R2 key, which names one upload's immutable bytes (media/uploads.ts). */
const LAYOUT_TTL_SECONDS = 30 * 24 * 3600;
const LAYOUT_CACHE_VERSION = "v1";

type StoredLayout = Omit<Mp3Layout, "infoFrame"> & {
  infoFrame: (Omit<NonNullable<Mp3Layout["infoFrame"]>, "header"> & { header: number[] }) | null;
};

const storedLayout = (layout: Mp3Layout): StoredLayout => ({
  ...layout,
  infoFrame: layout.infoFrame && { ...layout.infoFrame, header: [...layout.infoFrame.header] },
});

const loadedLayout = (stored: StoredLayout): Mp3Layout => ({
  ...stored,
  infoFrame: stored.infoFrame && { ...stored.infoFrame, header: Uint8Array.from(stored.infoFrame.header) },
});

/**
 * What one isolate keeps between enclosure requests, so a repeated request for an episode with ads costs one
 * database read (its audio row) and no R2 read before the bytes it serves:
 * - live bookings per episode and day, for BOOKINGS_TTL_MS;
 * - frame layouts, here and (when a LayoutStore is given, the colo's Cache API) shared with the colo's other
 *   isolates, so a fresh isolate does not walk the whole episode again;
 * - built arrangements by id: the id is computed from the chosen bookings before any layout work;
 * - the ids already stored in `ad_arrangements`, so the insert runs once per isolate, not per request.
 */
export class InsertionCache {
  private readonly bookings = new Map<string, { until: number; rows: BookedAd[] }>();
  private readonly layouts = new Memo<Mp3Layout>(64);
  private readonly arrangements = new Memo<ServedArrangement | null>(256);
  private readonly saved = new Set<string>();
  private salt: { day: string; key: Promise<CryptoKey> } | null = null;

  constructor(private readonly opts: { bookingsTtlMs?: number } = {}) {}

  /**
   * `liveBookings`, kept per isolate for BOOKINGS_TTL_MS from the request's clock. Answers are kept once they
   * arrive (not as promises), so no request waits on a query another request's connection is running.
   */
  async liveBookings(opts: { db: DbOrTx; episodeId: string; now: Date }): Promise<BookedAd[]> {
    const day = utcDay(opts.now);
    const key = `${opts.episodeId}\n${day}`;
    const kept = this.bookings.get(key);
    if (kept && kept.until > opts.now.getTime()) return kept.rows;
    const rows = await liveBookings({ db: opts.db, episodeId: opts.episodeId, day });
    this.bookings.delete(key);
    if (rows.length > 0) {
      if (this.bookings.size >= 1024) this.bookings.delete(this.bookings.keys().next().value!);
      this.bookings.set(key, { until: opts.now.getTime() + (this.opts.bookingsTtlMs ?? BOOKINGS_TTL_MS), rows });
    }
    return rows;
  }

  /** A file's layout: from this isolate, else the colo's store, else one walk of the file from R2. */
  layoutOf(bucket: R2Bucket, key: string, targetsMs: number[], store: LayoutStore | null) {
    const targets = targetsMs.join(",");
    return this.layouts.get(`${key}\n${targets}`, async () => {
      const address = store && layoutAddress(key, targets);
      const cached = address && (await store.match(address).catch(() => undefined));
      if (cached) return loadedLayout((await cached.json()) as StoredLayout);
      const object = await bucket.get(key);
      if (!object) throw new Error(`ads: ${key} is missing from storage`);
      const layout = await scanMp3Stream(object.body, targetsMs);
      if (address) {
        const response = new Response(JSON.stringify(storedLayout(layout)), {
          headers: { "content-type": "application/json", "cache-control": `public, max-age=${LAYOUT_TTL_SECONDS}` },
        });
        // Only an optimisation: a failed write leaves the next isolate to walk the file itself.
        await store
          .put(address, response)
          .catch((error: unknown) =>
            console.error(JSON.stringify({ event: "ads.layout_cache_failed", key, error: String(error) })),
          );
      }
      return layout;
    });
  }

  /**
   * The analytics listener key (IP prefix and user agent under the day's salt), for frequency caps. The salt is
   * kept per isolate and day like the recorders' (docs/decisions/019), so only an isolate's first capped request
   * of the day reads it.
   */
  async listenerKey(opts: { db: DbOrTx; day: string; ip: string; userAgent: string }) {
    if (this.salt?.day !== opts.day) {
      const key = daySalt({ db: opts.db, day: opts.day }).then(importSalt);
      const entry = { day: opts.day, key };
      key.catch(() => {
        if (this.salt === entry) this.salt = null;
      });
      this.salt = entry;
    }
    return listenerKey({ salt: await this.salt.key, ip: opts.ip, userAgent: opts.userAgent });
  }

  arrangement(id: string, build: () => Promise<ServedArrangement | null>) {
    return this.arrangements.get(id, build);
  }

  /**
   * `saveArrangement` once per id and isolate: the id is remembered after the insert succeeds, so a failed save is
   * retried by the next request, and two requests racing both run the idempotent insert.
   */
  async saveOnce(opts: { db: DbOrTx; episodeId: string; arrangement: ServedArrangement }) {
    if (this.saved.has(opts.arrangement.id)) return;
    await saveArrangement(opts);
    if (this.saved.size >= 4096) this.saved.delete(this.saved.values().next().value!);
    this.saved.add(opts.arrangement.id);
  }
}

/** Cache API keys must be URLs; this host is never served, it only names entries in the colo's cache. */
const layoutAddress = (key: string, targets: string) =>
  `https://ad-layouts.greenroom.invalid/${LAYOUT_CACHE_VERSION}/${encodeURIComponent(key)}/${targets || "whole"}`;

/** This isolate's memory, used by the enclosure route (server/http/media.ts). */
export const isolateInsertionCache = new InsertionCache();

/**
 * The arrangement's id: a hash of what its bytes are made of (episode file; each chosen slot's position and time,
 * flight, creative and ad file), so every isolate names the same bytes alike and a moved slot gets a new id. It
 * needs no layout, so it is also the key of the built arrangement.
 */
async function arrangementId(episodeKey: string, chosen: readonly BookedAd[]) {
  const description = JSON.stringify([
    episodeKey,
    chosen.map((c) => [c.slotId, c.position, c.atMs, c.flightId, c.creativeId, c.adKey]),
  ]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(description));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The arrangement for this request, or null when the episode has nothing to insert (it is then served as stored).
 * An episode or ad whose encodings do not match is served without that ad (bookings refuse them; this guards
 * files replaced since). Built once per isolate and id (`cache`); layouts come from `layouts` when given.
 */
export async function arrangeEpisode(opts: {
  bucket: R2Bucket;
  bookings: readonly BookedAd[];
  episode: { r2Key: string };
  seed: string;
  cappedOut?: ReadonlySet<string>;
  cache?: InsertionCache;
  layouts?: LayoutStore | null;
}): Promise<ServedArrangement | null> {
  if (opts.bookings.length === 0) return null;
  const chosen = [
    ...(await chooseAds({ candidates: opts.bookings, seed: opts.seed, cappedOut: opts.cappedOut })).values(),
  ] as BookedAd[];
  if (chosen.length === 0) return null;
  const cache = opts.cache ?? isolateInsertionCache;
  const id = await arrangementId(opts.episode.r2Key, chosen);
  // The episode is walked once for every mid-roll booked into it, so each listener's draw reuses one layout (a
  // split point depends only on its own timestamp).
  const targets = [
    ...new Set(opts.bookings.flatMap((c) => (c.position === "mid" && c.atMs !== null ? [c.atMs] : []))),
  ].sort((a, b) => a - b);
  return cache.arrangement(id, () =>
    buildServedArrangement({
      ...opts,
      id,
      chosen,
      targets,
      layoutOf: (key, targetsMs) => cache.layoutOf(opts.bucket, key, targetsMs, opts.layouts ?? null),
    }),
  );
}

/**
 * The arrangement one enclosure request gets, or null to serve the stored file: bookings (cached) beside the
 * episode's audio row the caller already started reading; when a booking has a frequency cap, one more read of
 * what this listener heard today (./frequency.ts); the draw, the built arrangement (cached), and its row stored
 * once per isolate after the response (`waitUntil`), with the capped flights it played.
 */
export async function arrangeRequest(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  episodeId: string;
  episode: Promise<{ r2Key: string }>;
  now: Date;
  seed: string;
  /** The request's address and user agent, hashed into the listener key only when a booking is capped. */
  listener: { ip: string; userAgent: string };
  cache: InsertionCache;
  layouts: LayoutStore | null;
  waitUntil: (work: Promise<unknown>) => void;
}): Promise<ServedArrangement | null> {
  const bookings = await opts.cache.liveBookings({ db: opts.db, episodeId: opts.episodeId, now: opts.now });
  if (bookings.length === 0) return null;
  const caps = await listenerCaps({ ...opts, bookings });
  const arrangement = await arrangeEpisode({
    ...opts,
    bookings,
    cappedOut: caps?.cappedOut,
    episode: await opts.episode,
  });
  if (arrangement)
    opts.waitUntil(
      Promise.all([
        opts.cache.saveOnce({ db: opts.db, episodeId: opts.episodeId, arrangement }),
        caps?.record(arrangement),
      ]).catch((error: unknown) =>
        console.error(JSON.stringify({ event: "ads.arrangement_save_failed", error: String(error) })),
      ),
    );
  return arrangement;
}

/** For an episode with capped bookings: which flights this listener has used up today, and how to count more. */
async function listenerCaps(opts: {
  db: DbOrTx;
  episodeId: string;
  now: Date;
  listener: { ip: string; userAgent: string };
  bookings: readonly BookedAd[];
  cache: InsertionCache;
}) {
  const capOf = new Map(opts.bookings.flatMap((b) => (b.frequencyCap === null ? [] : [[b.flightId, b.frequencyCap]])));
  if (capOf.size === 0) return null;
  const day = utcDay(opts.now);
  const scope = {
    db: opts.db,
    workspaceId: opts.bookings[0].workspaceId,
    day,
    listenerKey: await opts.cache.listenerKey({ db: opts.db, day, ...opts.listener }),
    episodeId: opts.episodeId,
  };
  const { cappedOut, heardHere } = await cappedOutFlights({
    ...scope,
    flights: [...capOf].map(([flightId, cap]) => ({ flightId, cap })),
  });
  return {
    cappedOut,
    record: (arrangement: ServedArrangement) =>
      recordListenerFlights({
        ...scope,
        flightIds: [...new Set(arrangement.ads.map((ad) => ad.flightId))].filter(
          (id) => capOf.has(id) && !heardHere.has(id),
        ),
      }),
  };
}

async function buildServedArrangement(opts: {
  id: string;
  chosen: readonly BookedAd[];
  targets: number[];
  episode: { r2Key: string };
  layoutOf: (key: string, targetsMs: number[]) => Promise<Mp3Layout>;
}): Promise<ServedArrangement | null> {
  const { chosen, targets } = opts;
  const episode = await opts.layoutOf(opts.episode.r2Key, targets);
  const insertions: (AdInsertion & { booking: BookedAd })[] = [];
  for (const booking of chosen) {
    const layout = await opts.layoutOf(booking.adKey, []);
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
    id: opts.id,
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
