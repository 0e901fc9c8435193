import * as z from "zod";
import { rowId } from "../../../lib/text";
import { ZEmail, ZPersonName } from "../../../services/auth/validation";
import { transferTicket } from "../../../services/events/transfer";
import { authedProcedure } from "../../init";

export const ZTransferTicketInput = z.object({
  workspaceId: rowId("Unknown creator."),
  ticketId: rowId("Unknown ticket."),
  email: ZEmail,
  name: ZPersonName,
});
export const ZTransferTicketOutput = z.object({ ticketId: z.uuid(), secretVersion: z.number().int() });

/**
 * The holder gives their ticket to someone else by email (ADR 032): same seat, new holder and grant, and the old QR
 * code stops working. Only the ticket's holder; anyone else's ticket is NOT_FOUND.
 */
export const transferTicketProcedure = authedProcedure
  .input(ZTransferTicketInput)
  .output(ZTransferTicketOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await transferTicket({
      db: ctx.db,
      workspaceId: input.workspaceId,
      ticketId: input.ticketId,
      fromUserId: ctx.auth.user.id,
      fromName: ctx.auth.user.name,
      toEmail: input.email,
      toName: input.name,
      appUrl: ctx.config.appUrl,
      now: ctx.clock(),
      meta: ctx.meta,
    });
    return { ticketId: result.ticketId, secretVersion: result.secretVersion };
  });
