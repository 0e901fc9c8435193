import * as z from "zod";
import { rowId } from "../../../lib/text";
import { unbookAdSlot } from "../../../services/ads/slots";
import { workspaceProcedure } from "../../init";
import { ZOk } from "../../schemas";

/** Takes a flight out of a slot: listeners stop hearing it from their next download. */
export const ZUnbookSlotInput = z.object({ bookingId: rowId("Unknown booking.") });
export const ZUnbookSlotOutput = ZOk;

export const unbookSlotProcedure = workspaceProcedure("campaigns.manage")
  .input(ZUnbookSlotInput)
  .output(ZUnbookSlotOutput)
  .mutation(({ ctx, input }) =>
    unbookAdSlot({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      bookingId: input.bookingId,
    }),
  );
