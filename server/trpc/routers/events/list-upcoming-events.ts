import * as z from "zod";
import { EVENT_KINDS, VISIBILITIES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { upcomingEventsQuery } from "../../../services/events/public";
import { publicProcedure } from "../../init";

export const ZListUpcomingEventsInput = z.object({ workspaceId: rowId("Unknown creator.") });
export const ZListUpcomingEventsOutput = z.array(
  z.object({
    id: z.uuid(),
    title: z.string(),
    kind: z.enum(EVENT_KINDS),
    startsAt: z.date(),
    timeZone: z.string(),
    visibility: z.enum(VISIBILITIES),
  }),
);

/** The creator page's upcoming events: titles and times (a gated event's page says who may come). */
export const listUpcomingEventsProcedure = publicProcedure
  .input(ZListUpcomingEventsInput)
  .output(ZListUpcomingEventsOutput)
  .query(({ ctx, input }) =>
    upcomingEventsQuery({ db: ctx.db, workspaceId: input.workspaceId, now: ctx.clock(), limit: 10 }),
  );
