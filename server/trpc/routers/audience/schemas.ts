import * as z from "zod";
import {
  GRANT_KINDS,
  GRANT_SOURCES,
  GRANT_STATUSES,
  SUPPORTER_SOURCES,
  SUPPORTER_STATUSES,
} from "../../../../db/schema";
import { rowId, text } from "../../../lib/text";

export const ZSupporterId = rowId("Unknown member.");
export const ZGrantId = rowId("Unknown membership.");
export const ZReason = text("reason", { max: 500 });

/** Filters of the members list; dates are whole days (UTC). */
export const ZMemberFilters = z.object({
  tier: z.union([rowId("Unknown tier."), z.literal("none")]).optional(),
  status: z.enum(SUPPORTER_STATUSES).optional(),
  joinedFrom: z.date().optional(),
  joinedTo: z.date().optional(),
});

export const ZMemberTier = z.object({ id: z.string().nullable(), name: z.string().nullable(), paid: z.boolean() });

export const ZMemberRow = z.object({
  supporterId: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  status: z.enum(SUPPORTER_STATUSES),
  source: z.enum(SUPPORTER_SOURCES),
  joinedAt: z.date(),
  tiers: z.array(ZMemberTier),
});

export const ZGrantRow = z.object({
  id: z.uuid(),
  kind: z.enum(GRANT_KINDS),
  tierId: z.uuid().nullable(),
  tierName: z.string().nullable(),
  source: z.enum(GRANT_SOURCES),
  status: z.enum(GRANT_STATUSES),
  startsAt: z.date(),
  endsAt: z.date().nullable(),
  endedReason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
