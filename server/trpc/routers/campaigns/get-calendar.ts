import * as z from "zod";
import { FLIGHT_POSITIONS, FLIGHT_STATUSES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { getShowCalendar } from "../../../services/campaigns/calendar";
import { ZMonth } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";

export const ZGetCalendarInput = z.object({
  /** Null: the workspace's first show by title. */
  showId: rowId("Unknown show.").nullable().default(null),
  month: ZMonth,
});
export const ZGetCalendarOutput = z.object({
  month: z.string(),
  shows: z.array(z.object({ id: z.uuid(), title: z.string() })),
  show: z.object({ id: z.uuid(), title: z.string() }).nullable(),
  bookings: z.array(
    z.object({
      flightId: z.uuid(),
      flightName: z.string(),
      campaignId: z.uuid(),
      campaignName: z.string(),
      advertiserName: z.string(),
      position: z.enum(FLIGHT_POSITIONS),
      status: z.enum(FLIGHT_STATUSES),
      priority: z.number(),
      startsOn: z.string(),
      endsOn: z.string(),
      everyEpisode: z.boolean(),
      episodeTitles: z.array(z.string()),
    }),
  ),
  days: z.array(
    z.object({
      day: z.string(),
      positions: z.array(
        z.object({
          position: z.enum(FLIGHT_POSITIONS),
          flightIds: z.array(z.uuid()),
          /** Flights of `flightIds` that can play on the same episode as another of them. */
          competingFlightIds: z.array(z.uuid()),
        }),
      ),
    }),
  ),
});

export const getCalendarProcedure = workspaceProcedure("campaigns.read")
  .input(ZGetCalendarInput)
  .output(ZGetCalendarOutput)
  .query(({ ctx, input }) =>
    getShowCalendar({ db: ctx.db, workspaceId: ctx.access.workspaceId, showId: input.showId, month: input.month }),
  );
