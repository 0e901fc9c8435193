import * as z from "zod";
import { TICKET_STATUSES } from "../../../../db/schema";
import { getTicketPass } from "../../../services/checkin/pass";
import { rowId } from "../../../lib/text";
import { authedProcedure } from "../../init";
import { ZTicketId } from "./schemas";

/**
 * The holder's own ticket with its signed QR code. Only the holder may read it (anyone else: NOT_FOUND, as for a
 * ticket that does not exist), so it needs no workspace role and no supporter rung beyond holding the ticket.
 */
export const ZGetTicketPassInput = z.object({ workspaceId: rowId("Unknown creator."), ticketId: ZTicketId });
export const ZGetTicketPassOutput = z.object({
  ticket: z.object({ id: z.uuid(), status: z.enum(TICKET_STATUSES), typeName: z.string(), holderName: z.string() }),
  event: z.object({
    id: z.uuid(),
    title: z.string(),
    startsAt: z.date(),
    endsAt: z.date(),
    timeZone: z.string(),
    venue: z.string(),
    canceled: z.boolean(),
  }),
  workspaceName: z.string(),
  /** Present when the holder bought the ticket and the creator's policy lets buyers cancel (ADR 032). */
  cancellation: z
    .object({ orderId: z.uuid(), until: z.date(), refundCents: z.number().int(), currency: z.string() })
    .nullable(),
  code: z.string().nullable(),
  qrSvg: z.string().nullable(),
});

export const getTicketPassProcedure = authedProcedure
  .input(ZGetTicketPassInput)
  .output(ZGetTicketPassOutput)
  .query(({ ctx, input }) =>
    getTicketPass({
      db: ctx.db,
      workspaceId: input.workspaceId,
      ticketId: input.ticketId,
      userId: ctx.auth.user.id,
      secret: ctx.env.UPLOAD_SIGNING_SECRET,
    }),
  );
