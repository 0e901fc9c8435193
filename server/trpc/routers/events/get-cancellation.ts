import * as z from "zod";
import { cancellationStatus } from "../../../services/events/cancel-event";
import { workspaceProcedure } from "../../init";
import { ZCancellationStatus, ZEventId } from "./schemas";

export const ZGetCancellationInput = z.object({ eventId: ZEventId });
export const ZGetCancellationOutput = ZCancellationStatus;

/** A canceled event's refunds: how many are still owed and how many are done. */
export const getCancellationProcedure = workspaceProcedure("events.read")
  .input(ZGetCancellationInput)
  .output(ZGetCancellationOutput)
  .query(({ ctx, input }) =>
    cancellationStatus({ db: ctx.db, workspaceId: ctx.access.workspaceId, eventId: input.eventId }),
  );
