import * as z from "zod";
import { rowId } from "../../../lib/text";
import { joinEventWaitlist } from "../../../services/events/public";
import { authedProcedure } from "../../init";
import { ZEventId, ZTicketTypeId } from "./schemas";

export const ZJoinWaitlistInput = z.object({
  workspaceId: rowId("Unknown creator."),
  eventId: ZEventId,
  ticketTypeId: ZTicketTypeId,
  quantity: z.number().int().min(1, "Wait for at least 1 ticket.").max(10, "Wait for at most 10 tickets."),
});
export const ZJoinWaitlistOutput = z.object({ id: z.uuid(), priority: z.number().int() });

/** Joins a sold-out type's waitlist; refused while seats are free (ADR 029). */
export const joinWaitlistProcedure = authedProcedure
  .input(ZJoinWaitlistInput)
  .output(ZJoinWaitlistOutput)
  .mutation(async ({ ctx, input }) => {
    const entry = await joinEventWaitlist({
      db: ctx.db,
      workspaceId: input.workspaceId,
      eventId: input.eventId,
      ticketTypeId: input.ticketTypeId,
      userId: ctx.auth.user.id,
      quantity: input.quantity,
      now: ctx.clock(),
      meta: ctx.meta,
    });
    return { id: entry.id, priority: entry.priority };
  });
