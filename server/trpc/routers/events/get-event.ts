import * as z from "zod";
import { getEvent } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { ZEvent, ZEventId, ZEventRecording, ZPromoCode, ZTicketType } from "./schemas";

export const ZGetEventInput = z.object({ eventId: ZEventId });
export const ZGetEventOutput = z.object({
  /** The buyers' cancellation window (ADR 032), which only the editor shows. */
  event: ZEvent.extend({ refundWindowHours: z.number().int().nullable() }),
  ticketTypes: z.array(ZTicketType.extend({ sold: z.number().int(), held: z.number().int() })),
  promoCodes: z.array(ZPromoCode.extend({ uses: z.number().int() })),
  recordings: z.array(ZEventRecording),
});

/** The editor's event: its fields, ticket types with seats sold and held, promo codes with uses (one wave). */
export const getEventProcedure = workspaceProcedure("events.read")
  .input(ZGetEventInput)
  .output(ZGetEventOutput)
  .query(({ ctx, input }) =>
    getEvent({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      eventId: input.eventId,
      now: ctx.clock(),
      appUrl: ctx.config.appUrl,
    }),
  );
