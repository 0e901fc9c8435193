import * as z from "zod";
import { allAttendees } from "../../../services/events/dashboard";
import { workspaceProcedure } from "../../init";
import { ZEventId } from "./schemas";

export const ZExportAttendeesInput = z.object({ eventId: ZEventId });
export const ZExportAttendeesOutput = z.object({
  event: z.object({ id: z.uuid(), title: z.string() }),
  rows: z.array(
    z.object({
      name: z.string(),
      email: z.string(),
      ticketType: z.string(),
      status: z.string(),
      price: z.string(),
      ticketId: z.string(),
      orderId: z.string(),
      issuedAt: z.string(),
    }),
  ),
});

/** Every attendee of the event as text columns, for the CSV export (attendees.csv). */
export const exportAttendeesProcedure = workspaceProcedure("events.read")
  .input(ZExportAttendeesInput)
  .output(ZExportAttendeesOutput)
  .query(async ({ ctx, input }) => {
    const { event, rows } = await allAttendees({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      eventId: input.eventId,
    });
    return {
      event: { id: event.id, title: event.title },
      rows: rows.map((row) => ({
        name: row.name ?? "",
        email: row.email ?? "",
        ticketType: row.ticketTypeName,
        status: row.status,
        price: (row.priceCents / 100).toFixed(2),
        ticketId: row.ticketId,
        orderId: row.orderId,
        issuedAt: row.createdAt.toISOString(),
      })),
    };
  });
