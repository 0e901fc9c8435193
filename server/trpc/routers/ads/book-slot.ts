import * as z from "zod";
import { formatted, rowId } from "../../../lib/text";
import { bookAdSlot } from "../../../services/ads/slots";
import { workspaceProcedure } from "../../init";

/** Books a flight and one of its campaign's creatives into a slot; heard from `liveFrom` (default today, UTC). */
export const ZBookSlotInput = z.object({
  slotId: rowId("Unknown ad slot."),
  flightId: rowId("Unknown flight."),
  creativeId: rowId("Unknown creative."),
  liveFrom: formatted("live-from date", /^\d{4}-\d{2}-\d{2}$/, "Enter the live-from date as YYYY-MM-DD.", 10)
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "Enter a real live-from date.")
    .optional(),
});
export const ZBookSlotOutput = z.object({
  id: z.uuid(),
  slotId: z.uuid(),
  flightId: z.uuid(),
  creativeId: z.uuid(),
  liveFrom: z.string(),
});

export const bookSlotProcedure = workspaceProcedure("campaigns.manage")
  .input(ZBookSlotInput)
  .output(ZBookSlotOutput)
  .mutation(({ ctx, input }) => {
    const now = ctx.clock();
    return bookAdSlot({
      db: ctx.db,
      bucket: ctx.env.MEDIA,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now,
      slotId: input.slotId,
      flightId: input.flightId,
      creativeId: input.creativeId,
      liveFrom: input.liveFrom ?? now.toISOString().slice(0, 10),
    });
  });
