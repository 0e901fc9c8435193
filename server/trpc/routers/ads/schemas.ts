import * as z from "zod";
import { AD_SLOT_POSITIONS, CREATIVE_KINDS, FLIGHT_STATUSES } from "../../../../db/schema";

/** Shared by the ad slot procedures: a slot as the episode page shows it, with what is booked into it. */
export const ZAdSlotPosition = z.enum(AD_SLOT_POSITIONS, "Choose pre-roll, mid-roll or post-roll.");

/** A mid-roll's time in the episode, in milliseconds (at most 24 hours). */
export const ZAdSlotAtMs = z
  .number("Give the mid-roll's time in the episode.")
  .int("Give the mid-roll's time in whole milliseconds.")
  .min(0, "The mid-roll's time cannot be before the start.")
  .max(86_400_000, "The mid-roll's time must be within 24 hours.");

export const ZAdSlotBooking = z.object({
  id: z.uuid(),
  flightId: z.uuid(),
  creativeId: z.uuid(),
  liveFrom: z.string(),
  flightName: z.string(),
  flightStatus: z.enum(FLIGHT_STATUSES),
  campaignName: z.string(),
  creativeName: z.string(),
  creativeKind: z.enum(CREATIVE_KINDS),
});

export const ZAdSlot = z.object({
  id: z.uuid(),
  episodeId: z.uuid(),
  position: ZAdSlotPosition,
  atMs: z.number().int().nullable(),
  bookings: z.array(ZAdSlotBooking),
});

export const ZBookableFlight = z.object({
  id: z.uuid(),
  name: z.string(),
  campaignName: z.string(),
  position: ZAdSlotPosition,
  status: z.enum(FLIGHT_STATUSES),
  creatives: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.enum(CREATIVE_KINDS) })),
});
