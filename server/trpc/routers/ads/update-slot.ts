import * as z from "zod";
import { rowId } from "../../../lib/text";
import { updateAdSlot } from "../../../services/ads/slots";
import { workspaceProcedure } from "../../init";
import { ZAdSlotAtMs, ZAdSlotPosition } from "./schemas";

/** Moves a slot: its bookings stay (they play wherever the slot is). */
export const ZUpdateSlotInput = z.object({
  slotId: rowId("Unknown ad slot."),
  position: ZAdSlotPosition,
  atMs: ZAdSlotAtMs.nullish(),
});
export const ZUpdateSlotOutput = z.object({
  id: z.uuid(),
  episodeId: z.uuid(),
  position: ZAdSlotPosition,
  atMs: z.number().int().nullable(),
});

export const updateSlotProcedure = workspaceProcedure("campaigns.manage")
  .input(ZUpdateSlotInput)
  .output(ZUpdateSlotOutput)
  .mutation(({ ctx, input }) =>
    updateAdSlot({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      slotId: input.slotId,
      position: input.position,
      atMs: input.atMs,
    }),
  );
