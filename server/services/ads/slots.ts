import { and, asc, eq, isNull, notInArray, or } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  adSlotBookings,
  adSlots,
  campaignCreatives,
  campaignFlights,
  campaigns,
  episodes,
  mediaObjects,
  type AdSlotPosition,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { auditAs, type Actor } from "../campaigns/records";
import { encodingMismatch, Mp3Error, readMp3Encoding } from "./mp3";

/**
 * The episode page's ad slots and the flights booked into them (docs/decisions/024). Every id a caller gives is
 * read with the caller's workspace, so another tenant's episode, slot, flight or creative is NOT_FOUND.
 */

export interface SlotPlacement {
  position: AdSlotPosition;
  /** Mid-rolls only. */
  atMs: number | null;
}

/** A pre- or post-roll has no time; a mid-roll must have one (the table's check constraint says the same). */
function placement(input: { position: AdSlotPosition; atMs?: number | null }): SlotPlacement {
  if (input.position !== "mid") return { position: input.position, atMs: null };
  if (input.atMs === undefined || input.atMs === null)
    throw new AppError("BAD_REQUEST", "Give the mid-roll a time in the episode.", {
      fieldErrors: { atMs: ["Give the mid-roll a time in the episode."] },
    });
  return { position: "mid", atMs: input.atMs };
}

async function requireEpisode(opts: { db: DbOrTx; workspaceId: string }, episodeId: string) {
  const [episode] = await opts.db
    .select({ id: episodes.id, showId: episodes.showId, audioMediaId: episodes.audioMediaId })
    .from(episodes)
    .where(and(eq(episodes.id, episodeId), eq(episodes.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!episode) throw notFound("Episode");
  return episode;
}

async function requireSlot(opts: { db: DbOrTx; workspaceId: string }, slotId: string) {
  const [slot] = await opts.db
    .select()
    .from(adSlots)
    .where(and(eq(adSlots.id, slotId), eq(adSlots.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!slot) throw notFound("Ad slot");
  return slot;
}

/**
 * The episode's slots in play order (pre, mids by time, post), each with its bookings, and the flights that can be
 * booked with their creatives. The three reads go out together (one round trip): the slot and flight reads are
 * filtered by the workspace themselves, the episode read only turns a foreign or missing episode into NOT_FOUND.
 */
export async function listEpisodeAdSlots(opts: { db: DbOrTx; workspaceId: string; episodeId: string }) {
  const [, slots, flights] = await Promise.all([
    requireEpisode(opts, opts.episodeId),
    episodeAdSlots(opts),
    bookableFlights(opts),
  ]);
  return { slots, flights };
}

/** Flights not yet over, each with the creatives of its campaign it may play (its own or the campaign's shared ones). */
async function bookableFlights(opts: { db: DbOrTx; workspaceId: string }) {
  const rows = await opts.db
    .select({
      flight: {
        id: campaignFlights.id,
        name: campaignFlights.name,
        position: campaignFlights.position,
        status: campaignFlights.status,
      },
      campaignName: campaigns.name,
      creative: { id: campaignCreatives.id, name: campaignCreatives.name, kind: campaignCreatives.kind },
    })
    .from(campaignFlights)
    .innerJoin(
      campaigns,
      and(eq(campaigns.id, campaignFlights.campaignId), eq(campaigns.workspaceId, campaignFlights.workspaceId)),
    )
    .innerJoin(
      campaignCreatives,
      and(
        eq(campaignCreatives.campaignId, campaignFlights.campaignId),
        eq(campaignCreatives.workspaceId, campaignFlights.workspaceId),
        or(isNull(campaignCreatives.flightId), eq(campaignCreatives.flightId, campaignFlights.id)),
      ),
    )
    .where(
      and(
        eq(campaignFlights.workspaceId, opts.workspaceId),
        notInArray(campaignFlights.status, ["completed", "canceled"]),
      ),
    )
    .orderBy(asc(campaigns.name), asc(campaignFlights.name), asc(campaignCreatives.name))
    .limit(500);
  const flights = new Map<
    string,
    (typeof rows)[number]["flight"] & { campaignName: string; creatives: (typeof rows)[number]["creative"][] }
  >();
  for (const row of rows) {
    const flight = flights.get(row.flight.id) ?? { ...row.flight, campaignName: row.campaignName, creatives: [] };
    flights.set(row.flight.id, flight);
    flight.creatives.push(row.creative);
  }
  return [...flights.values()];
}

async function episodeAdSlots(opts: { db: DbOrTx; workspaceId: string; episodeId: string }) {
  const rows = await opts.db
    .select({
      slot: adSlots,
      booking: {
        id: adSlotBookings.id,
        flightId: adSlotBookings.flightId,
        creativeId: adSlotBookings.creativeId,
        liveFrom: adSlotBookings.liveFrom,
      },
      flightName: campaignFlights.name,
      flightStatus: campaignFlights.status,
      campaignName: campaigns.name,
      creativeName: campaignCreatives.name,
      creativeKind: campaignCreatives.kind,
    })
    .from(adSlots)
    .leftJoin(
      adSlotBookings,
      and(eq(adSlotBookings.slotId, adSlots.id), eq(adSlotBookings.workspaceId, adSlots.workspaceId)),
    )
    .leftJoin(
      campaignFlights,
      and(eq(campaignFlights.id, adSlotBookings.flightId), eq(campaignFlights.workspaceId, adSlots.workspaceId)),
    )
    .leftJoin(
      campaigns,
      and(eq(campaigns.id, campaignFlights.campaignId), eq(campaigns.workspaceId, adSlots.workspaceId)),
    )
    .leftJoin(
      campaignCreatives,
      and(eq(campaignCreatives.id, adSlotBookings.creativeId), eq(campaignCreatives.workspaceId, adSlots.workspaceId)),
    )
    .where(and(eq(adSlots.episodeId, opts.episodeId), eq(adSlots.workspaceId, opts.workspaceId)))
    .orderBy(asc(adSlots.createdAt), asc(adSlotBookings.createdAt));

  const slots = new Map<string, ReturnType<typeof presentSlot>>();
  for (const row of rows) {
    const slot = slots.get(row.slot.id) ?? presentSlot(row.slot);
    slots.set(row.slot.id, slot);
    if (row.booking && row.flightName !== null && row.creativeName !== null) {
      slot.bookings.push({
        ...row.booking,
        flightName: row.flightName,
        flightStatus: row.flightStatus!,
        campaignName: row.campaignName ?? "",
        creativeName: row.creativeName,
        creativeKind: row.creativeKind!,
      });
    }
  }
  const order = { pre: 0, mid: 1, post: 2 } as const;
  return [...slots.values()].sort((a, b) => order[a.position] - order[b.position] || (a.atMs ?? 0) - (b.atMs ?? 0));
}

function presentSlot(slot: typeof adSlots.$inferSelect) {
  return {
    id: slot.id,
    episodeId: slot.episodeId,
    position: slot.position,
    atMs: slot.atMs,
    bookings: [] as {
      id: string;
      flightId: string;
      creativeId: string;
      liveFrom: string;
      flightName: string;
      flightStatus: (typeof campaignFlights.$inferSelect)["status"];
      campaignName: string;
      creativeName: string;
      creativeKind: (typeof campaignCreatives.$inferSelect)["kind"];
    }[],
  };
}

export async function createAdSlot(
  input: Actor & { episodeId: string; position: AdSlotPosition; atMs?: number | null },
) {
  const where = placement(input);
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const episode = await requireEpisode(opts, opts.episodeId);
    const [slot] = await tx
      .insert(adSlots)
      .values({ workspaceId: opts.workspaceId, episodeId: episode.id, ...where, createdAt: opts.now })
      .returning();
    await auditAs(opts, "ad_slot.created", { slotId: slot.id, episodeId: episode.id, position: slot.position });
    return presentSlot(slot);
  });
}

export async function updateAdSlot(input: Actor & { slotId: string; position: AdSlotPosition; atMs?: number | null }) {
  const where = placement(input);
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    await requireSlot(opts, opts.slotId);
    const [slot] = await tx
      .update(adSlots)
      .set(where)
      .where(and(eq(adSlots.id, opts.slotId), eq(adSlots.workspaceId, opts.workspaceId)))
      .returning();
    await auditAs(opts, "ad_slot.updated", { slotId: slot.id, position: slot.position, atMs: slot.atMs });
    return presentSlot(slot);
  });
}

export async function deleteAdSlot(input: Actor & { slotId: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const slot = await requireSlot(opts, opts.slotId);
    await tx.delete(adSlots).where(and(eq(adSlots.id, slot.id), eq(adSlots.workspaceId, opts.workspaceId)));
    await auditAs(opts, "ad_slot.deleted", { slotId: slot.id, episodeId: slot.episodeId });
    return { ok: true as const };
  });
}

/**
 * Books a flight with one of its campaign's creatives into a slot, heard from `liveFrom` while the flight is live.
 * A pre-recorded creative must be joinable into the episode: both files' first frames are read from storage (a few
 * kilobytes each) and a different sample rate or channel count is refused in the creator's words, since the edge
 * would otherwise skip the ad silently.
 */
export async function bookAdSlot(
  input: Actor & { bucket: R2Bucket; slotId: string; flightId: string; creativeId: string; liveFrom: string },
) {
  const slot = await requireSlot(input, input.slotId);
  const [flight] = await input.db
    .select()
    .from(campaignFlights)
    .where(and(eq(campaignFlights.id, input.flightId), eq(campaignFlights.workspaceId, input.workspaceId)))
    .limit(1);
  if (!flight) throw notFound("Flight");
  const [creative] = await input.db
    .select()
    .from(campaignCreatives)
    .where(and(eq(campaignCreatives.id, input.creativeId), eq(campaignCreatives.workspaceId, input.workspaceId)))
    .limit(1);
  if (!creative) throw notFound("Creative");
  if (creative.campaignId !== flight.campaignId || (creative.flightId !== null && creative.flightId !== flight.id))
    throw new AppError(
      "BAD_REQUEST",
      "That creative belongs to another campaign or flight. Choose one of this flight's.",
      {
        fieldErrors: { creativeId: ["Choose a creative of this flight's campaign."] },
      },
    );
  if (flight.position !== slot.position)
    throw new AppError(
      "BAD_REQUEST",
      `This flight is sold as a ${flight.position}-roll; book it into a ${flight.position}-roll slot.`,
    );
  if (creative.kind === "audio") await requireJoinable(input, slot.episodeId, creative.mediaId);

  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const [booking] = await tx
      .insert(adSlotBookings)
      .values({
        workspaceId: opts.workspaceId,
        slotId: slot.id,
        flightId: flight.id,
        creativeId: creative.id,
        liveFrom: opts.liveFrom,
        createdAt: opts.now,
      })
      .onConflictDoNothing({ target: [adSlotBookings.slotId, adSlotBookings.flightId] })
      .returning();
    if (!booking) throw new AppError("CONFLICT", "This flight is already booked into this slot.");
    await auditAs(opts, "ad_slot.booked", {
      bookingId: booking.id,
      slotId: slot.id,
      flightId: flight.id,
      creativeId: creative.id,
      liveFrom: booking.liveFrom,
    });
    return {
      id: booking.id,
      slotId: slot.id,
      flightId: flight.id,
      creativeId: creative.id,
      liveFrom: booking.liveFrom,
    };
  });
}

async function requireJoinable(
  opts: { db: DbOrTx; workspaceId: string; bucket: R2Bucket },
  episodeId: string,
  adMediaId: string | null,
) {
  const [episode] = await opts.db
    .select({ r2Key: mediaObjects.r2Key, status: mediaObjects.status })
    .from(episodes)
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, episodes.audioMediaId), eq(mediaObjects.workspaceId, episodes.workspaceId)),
    )
    .where(and(eq(episodes.id, episodeId), eq(episodes.workspaceId, opts.workspaceId)))
    .limit(1);
  const [ad] = adMediaId
    ? await opts.db
        .select({ r2Key: mediaObjects.r2Key, status: mediaObjects.status })
        .from(mediaObjects)
        .where(and(eq(mediaObjects.id, adMediaId), eq(mediaObjects.workspaceId, opts.workspaceId)))
        .limit(1)
    : [];
  if (!ad || ad.status !== "ready")
    throw new AppError("BAD_REQUEST", "This creative's audio is not uploaded yet. Upload the ad, then book it.");
  if (!episode || episode.status !== "ready")
    throw new AppError("BAD_REQUEST", "Upload the episode's audio before booking a pre-recorded ad into it.");
  const [episodeEncoding, adEncoding] = await Promise.all([
    encodingOf(opts.bucket, episode.r2Key, "The episode's audio"),
    encodingOf(opts.bucket, ad.r2Key, "The ad"),
  ]);
  const mismatch = encodingMismatch(episodeEncoding, adEncoding);
  if (mismatch) throw new AppError("BAD_REQUEST", mismatch);
}

async function encodingOf(bucket: R2Bucket, key: string, what: string) {
  const object = await bucket.get(key);
  if (!object) throw new AppError("BAD_REQUEST", `${what} is missing from storage. Upload it again.`);
  try {
    return await readMp3Encoding(object.body);
  } catch (error) {
    if (error instanceof Mp3Error)
      throw new AppError("BAD_REQUEST", `${what} is not an MP3 file ads can be joined into: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

export async function unbookAdSlot(input: Actor & { bookingId: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const [booking] = await tx
      .delete(adSlotBookings)
      .where(and(eq(adSlotBookings.id, opts.bookingId), eq(adSlotBookings.workspaceId, opts.workspaceId)))
      .returning();
    if (!booking) throw notFound("Booking");
    await auditAs(opts, "ad_slot.unbooked", {
      bookingId: booking.id,
      slotId: booking.slotId,
      flightId: booking.flightId,
    });
    return { ok: true as const };
  });
}
