import * as z from "zod";
import { rowId } from "../../../lib/text";
import { deleteAdSlot } from "../../../services/ads/slots";
import { workspaceProcedure } from "../../init";
import { ZOk } from "../../schemas";

/** Removes a slot and its bookings; impressions already delivered stay counted. */
export const ZDeleteSlotInput = z.object({ slotId: rowId("Unknown ad slot.") });
export const ZDeleteSlotOutput = ZOk;

export const deleteSlotProcedure = workspaceProcedure("campaigns.manage")
  .input(ZDeleteSlotInput)
  .output(ZDeleteSlotOutput)
  .mutation(({ ctx, input }) =>
    deleteAdSlot({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      slotId: input.slotId,
    }),
  );
