import { updateTicketType } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZTicketType, ZTicketTypeFields, ZTicketTypeId } from "./schemas";

export const ZUpdateTicketTypeInput = ZTicketTypeFields.extend({ ticketTypeId: ZTicketTypeId });
export const ZUpdateTicketTypeOutput = ZTicketType;

/** Quantity changes run under the event's lock; a raised quantity is offered to the waitlist. */
export const updateTicketTypeProcedure = workspaceProcedure("events.manage")
  .input(ZUpdateTicketTypeInput)
  .output(ZUpdateTicketTypeOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, ticketTypeId, ...fields } }) =>
    updateTicketType({ ...actorOf(ctx), ticketTypeId, fields }),
  );
