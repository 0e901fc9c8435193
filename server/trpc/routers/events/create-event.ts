import * as z from "zod";
import { createEvent } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZEvent, ZEventFields, ZRecurrence } from "./schemas";

export const ZCreateEventInput = ZEventFields.extend({ recurrence: ZRecurrence.nullable().default(null) });
/** The first occurrence, and with a recurrence every occurrence's id in order. */
export const ZCreateEventOutput = z.object({ event: ZEvent, seriesEventIds: z.array(z.uuid()) });

/** A new event is a draft; with `recurrence` it is the first of a series created at once. */
export const createEventProcedure = workspaceProcedure("events.manage")
  .input(ZCreateEventInput)
  .output(ZCreateEventOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, recurrence, ...fields } }) =>
    createEvent({ ...actorOf(ctx), fields, recurrence }),
  );
