import * as z from "zod";
import { createTicketType } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZEventId, ZTicketType, ZTicketTypeFields } from "./schemas";

export const ZCreateTicketTypeInput = ZTicketTypeFields.extend({
  eventId: ZEventId,
  /** Add the same type to every occurrence of the event's series. */
  wholeSeries: z.boolean().default(false),
});
export const ZCreateTicketTypeOutput = ZTicketType;

export const createTicketTypeProcedure = workspaceProcedure("events.manage")
  .input(ZCreateTicketTypeInput)
  .output(ZCreateTicketTypeOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, eventId, wholeSeries, ...fields } }) =>
    createTicketType({ ...actorOf(ctx), eventId, wholeSeries, fields }),
  );
