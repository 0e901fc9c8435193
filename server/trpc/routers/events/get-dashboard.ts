import * as z from "zod";
import { getEventDashboard } from "../../../services/events/dashboard";
import { workspaceProcedure } from "../../init";
import { ZEventId } from "./schemas";

export const ZGetDashboardInput = z.object({ eventId: ZEventId });
export const ZGetDashboardOutput = z.object({
  event: z.object({ id: z.uuid(), title: z.string(), capacity: z.number().int().nullable(), timeZone: z.string() }),
  figures: z.object({
    sold: z.number().int(),
    held: z.number().int(),
    refunded: z.number().int(),
    revenueCents: z.number().int(),
    refundedCents: z.number().int(),
    waitlist: z.number().int(),
    currency: z.string(),
  }),
  days: z.array(z.object({ day: z.string(), issued: z.number().int(), revenueCents: z.number().int() })),
  checkIns: z.object({
    bucketMinutes: z.number().int(),
    buckets: z.array(z.object({ startsAt: z.date(), checkedIn: z.number().int() })),
  }),
});

/** The event's sales figures, day-by-day series and admissions over time (one wave). */
export const getDashboardProcedure = workspaceProcedure("events.read")
  .input(ZGetDashboardInput)
  .output(ZGetDashboardOutput)
  .query(({ ctx, input }) =>
    getEventDashboard({ db: ctx.db, workspaceId: ctx.access.workspaceId, eventId: input.eventId, now: ctx.clock() }),
  );
