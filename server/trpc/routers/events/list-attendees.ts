import * as z from "zod";
import { TICKET_STATUSES } from "../../../../db/schema";
import { text } from "../../../lib/text";
import { listAttendees } from "../../../services/events/dashboard";
import { workspaceProcedure } from "../../init";
import { ZEventId } from "./schemas";

export const ZListAttendeesInput = z.object({
  eventId: ZEventId,
  search: text("search", { max: 200 }).default(""),
  page: z.number().int().min(1).max(10_000).default(1),
});
export const ZListAttendeesOutput = z.object({
  items: z.array(
    z.object({
      ticketId: z.uuid(),
      status: z.enum(TICKET_STATUSES),
      priceCents: z.number().int(),
      createdAt: z.date(),
      ticketTypeName: z.string(),
      name: z.string().nullable(),
      email: z.string().nullable(),
      orderId: z.uuid(),
    }),
  ),
  hasMore: z.boolean(),
  page: z.number().int(),
});

/** One page of the event's attendees (every ticket), searched by name or email. */
export const listAttendeesProcedure = workspaceProcedure("events.read")
  .input(ZListAttendeesInput)
  .output(ZListAttendeesOutput)
  .query(({ ctx, input }) =>
    listAttendees({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      eventId: input.eventId,
      search: input.search,
      page: input.page,
    }),
  );
