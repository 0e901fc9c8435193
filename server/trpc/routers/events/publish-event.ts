import * as z from "zod";
import { publishEvent } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZEvent, ZEventId } from "./schemas";

export const ZPublishEventInput = z.object({ eventId: ZEventId });
export const ZPublishEventOutput = ZEvent;

export const publishEventProcedure = workspaceProcedure("events.manage")
  .input(ZPublishEventInput)
  .output(ZPublishEventOutput)
  .mutation(({ ctx, input }) => publishEvent({ ...actorOf(ctx), eventId: input.eventId }));
