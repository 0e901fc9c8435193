import * as z from "zod";
import { EVENT_STATUSES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { myTicketsQuery, recordingLinks } from "../../../services/events/public";
import { authedProcedure } from "../../init";

export const ZListMyTicketsInput = z.object({ workspaceId: rowId("Unknown creator.") });
export const ZListMyTicketsOutput = z.array(
  z.object({
    ticketId: z.uuid(),
    eventId: z.uuid(),
    eventTitle: z.string(),
    startsAt: z.date(),
    timeZone: z.string(),
    eventStatus: z.enum(EVENT_STATUSES),
    ticketTypeName: z.string(),
    /** The event's published recordings for its ticket holders (ADR 034). */
    recordings: z.array(
      z.object({ kind: z.enum(["episode", "post"]), id: z.uuid(), title: z.string(), url: z.string() }),
    ),
  }),
);

/** The caller's own valid tickets to this creator's events (the portal's "Your tickets"). */
export const listMyTicketsProcedure = authedProcedure
  .input(ZListMyTicketsInput)
  .output(ZListMyTicketsOutput)
  .query(async ({ ctx, input }) => {
    const rows = await myTicketsQuery({ db: ctx.db, workspaceId: input.workspaceId, userId: ctx.auth.user.id });
    return rows.map((row) => ({
      ...row,
      recordings: recordingLinks(row.recordings, input.workspaceId, ctx.config.appUrl),
    }));
  });
