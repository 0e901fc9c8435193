import * as z from "zod";
import { setRefundPolicy } from "../../../services/events/cancel-event";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZEventId } from "./schemas";

export const ZSetRefundPolicyInput = z.object({
  eventId: ZEventId,
  /** Buyers may cancel until this many hours before the start; null: only the creator cancels. */
  refundWindowHours: z
    .number()
    .int("Use whole hours.")
    .min(0, "Use 0 hours or more.")
    .max(24 * 365, "Use at most a year.")
    .nullable(),
});
export const ZSetRefundPolicyOutput = z.object({ eventId: z.uuid(), refundWindowHours: z.number().int().nullable() });

export const setRefundPolicyProcedure = workspaceProcedure("events.manage")
  .input(ZSetRefundPolicyInput)
  .output(ZSetRefundPolicyOutput)
  .mutation(({ ctx, input }) =>
    setRefundPolicy({ ...actorOf(ctx), eventId: input.eventId, refundWindowHours: input.refundWindowHours }),
  );
