import * as z from "zod";
import { searchTickets } from "../../../services/checkin/check-ins";
import { text } from "../../../lib/text";
import { workspaceProcedure } from "../../init";
import { ZCheckInList, ZEventId, ZOfflineTicket } from "./schemas";

/** Manual look-up at the door by the holder's name or email (the page also searches its offline copy). */
export const ZSearchTicketsInput = z.object({
  eventId: ZEventId,
  query: text("name or email", { min: 1, max: 100 }),
  list: ZCheckInList,
});
export const ZSearchTicketsOutput = z.array(
  ZOfflineTicket.extend({
    checkIn: z
      .object({ id: z.uuid(), scannedAt: z.date(), stewardName: z.string(), deviceLabel: z.string() })
      .nullable(),
  }),
);

export const searchTicketsProcedure = workspaceProcedure("checkin.scan")
  .input(ZSearchTicketsInput)
  .output(ZSearchTicketsOutput)
  .query(({ ctx, input }) =>
    searchTickets({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      eventId: input.eventId,
      query: input.query,
      list: input.list,
    }),
  );
