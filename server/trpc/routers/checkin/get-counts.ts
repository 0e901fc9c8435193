import * as z from "zod";
import { checkInCounts } from "../../../services/checkin/check-ins";
import { workspaceProcedure } from "../../init";
import { ZCheckIn, ZEventId } from "./schemas";

/** Live counts for the door and the dashboard; the check-in page polls it while online. */
export const ZGetCountsInput = z.object({ eventId: ZEventId });
export const ZGetCountsOutput = z.object({
  validTickets: z.number().int(),
  lists: z.array(z.object({ list: z.string(), checkedIn: z.number().int(), lastAt: z.date().nullable() })),
  recent: z.array(ZCheckIn),
});

export const getCountsProcedure = workspaceProcedure("checkin.scan")
  .input(ZGetCountsInput)
  .output(ZGetCountsOutput)
  .query(({ ctx, input }) =>
    checkInCounts({ db: ctx.db, workspaceId: ctx.access.workspaceId, eventId: input.eventId }),
  );
