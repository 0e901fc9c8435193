import { updateEvent } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZEvent, ZEventFields, ZEventId } from "./schemas";

/** Every field is sent (the editor's form holds them all); capacity changes run under the event's lock. */
export const ZUpdateEventInput = ZEventFields.extend({ eventId: ZEventId });
export const ZUpdateEventOutput = ZEvent;

export const updateEventProcedure = workspaceProcedure("events.manage")
  .input(ZUpdateEventInput)
  .output(ZUpdateEventOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, eventId, ...fields } }) =>
    updateEvent({ ...actorOf(ctx), eventId, fields }),
  );
