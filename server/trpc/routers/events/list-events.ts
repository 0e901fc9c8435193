import * as z from "zod";
import { EVENT_KINDS, EVENT_STATUSES, VISIBILITIES } from "../../../../db/schema";
import { listEventsQuery } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";

export const ZListEventsOutput = z.array(
  z.object({
    id: z.uuid(),
    title: z.string(),
    kind: z.enum(EVENT_KINDS),
    status: z.enum(EVENT_STATUSES),
    startsAt: z.date(),
    endsAt: z.date(),
    timeZone: z.string(),
    capacity: z.number().int().nullable(),
    seriesId: z.uuid().nullable(),
    visibility: z.enum(VISIBILITIES),
    sold: z.number().int(),
  }),
);

export const listEventsProcedure = workspaceProcedure("events.read")
  .output(ZListEventsOutput)
  .query(({ ctx }) => listEventsQuery({ db: ctx.db, workspaceId: ctx.access.workspaceId }));
