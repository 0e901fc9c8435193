import * as z from "zod";
import { undoCheckIn } from "../../../services/checkin/check-ins";
import { rowId, text } from "../../../lib/text";
import { ZOk } from "../../schemas";
import { workspaceProcedure } from "../../init";
import { ZEventId } from "./schemas";

export const ZUndoCheckInInput = z.object({
  eventId: ZEventId,
  checkInId: rowId("Unknown check-in."),
  reason: text("reason", { max: 200 }).default(""),
});

export const undoCheckInProcedure = workspaceProcedure("checkin.scan")
  .input(ZUndoCheckInInput)
  .output(ZOk)
  .mutation(({ ctx, input }) =>
    undoCheckIn({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      eventId: input.eventId,
      checkInId: input.checkInId,
      userId: ctx.auth.user.id,
      reason: input.reason,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
