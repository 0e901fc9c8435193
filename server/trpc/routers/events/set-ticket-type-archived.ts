import * as z from "zod";
import { setTicketTypeArchived } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZTicketType, ZTicketTypeId } from "./schemas";

export const ZSetTicketTypeArchivedInput = z.object({ ticketTypeId: ZTicketTypeId, archived: z.boolean() });
export const ZSetTicketTypeArchivedOutput = ZTicketType;

export const setTicketTypeArchivedProcedure = workspaceProcedure("events.manage")
  .input(ZSetTicketTypeArchivedInput)
  .output(ZSetTicketTypeArchivedOutput)
  .mutation(({ ctx, input }) =>
    setTicketTypeArchived({ ...actorOf(ctx), ticketTypeId: input.ticketTypeId, archived: input.archived }),
  );
