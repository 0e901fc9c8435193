import * as z from "zod";
import { rowId, text } from "../../../lib/text";
import { reserveEventTickets } from "../../../services/events/public";
import { authedProcedure } from "../../init";
import { ZEventId, ZTicketTypeId } from "./schemas";

export const ZReserveTicketsInput = z.object({
  workspaceId: rowId("Unknown creator."),
  eventId: ZEventId,
  lines: z
    .array(
      z.object({
        ticketTypeId: ZTicketTypeId,
        quantity: z.number().int().min(0, "Choose 0 or more.").max(50, "Choose at most 50."),
      }),
    )
    .min(1, "Choose at least one ticket.")
    .max(20),
  promoCode: text("promo code", { max: 40 }).nullable().default(null),
});
export const ZReserveTicketsOutput = z.discriminatedUnion("status", [
  z.object({ status: z.literal("issued"), orderId: z.uuid(), ticketIds: z.array(z.uuid()) }),
  z.object({
    status: z.literal("held"),
    orderId: z.uuid(),
    totalCents: z.number().int(),
    currency: z.string(),
    expiresAt: z.date(),
  }),
]);

/**
 * RSVP or buy (ADR 029, 030): free tickets are issued at once; paid seats are held and `events.startCheckout`
 * opens the provider's checkout for them. Members-only events sell only to those the gate admits.
 */
export const reserveTicketsProcedure = authedProcedure
  .input(ZReserveTicketsInput)
  .output(ZReserveTicketsOutput)
  .mutation(({ ctx, input }) =>
    reserveEventTickets({
      db: ctx.db,
      workspaceId: input.workspaceId,
      eventId: input.eventId,
      userId: ctx.auth.user.id,
      lines: input.lines,
      promoCode: input.promoCode || null,
      now: ctx.clock(),
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
    }),
  );
