import * as z from "zod";
import { cancelEvent } from "../../../services/events/cancel-event";
import { settleDueRefunds } from "../../../services/events/orders";
import { paymentsProvider } from "../../../services/payments/payments";
import { paymentsMode } from "../../../services/payments/provider";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { workspaceProcedure } from "../../init";
import { text } from "../../../lib/text";
import { actorOf } from "./actor";
import { ZCancellationStatus, ZEventId } from "./schemas";

export const ZCancelEventInput = z.object({
  eventId: ZEventId,
  reason: text("reason", { max: 1000 }).default(""),
});
export const ZCancelEventOutput = ZCancellationStatus;

/**
 * The creator cancels a whole event: tickets end, holders are emailed, every paid order is owed back (ADR 032).
 * Refunds go to the provider right after commit; whatever this request does not finish the per-minute sweep does.
 * Money leaves the account, so it takes `payments.manage` (owner, admin).
 */
export const cancelEventProcedure = workspaceProcedure("payments.manage")
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZCancelEventInput)
  .output(ZCancelEventOutput)
  .mutation(async ({ ctx, input }) => {
    const actor = actorOf(ctx);
    const status = await cancelEvent({ ...actor, eventId: input.eventId, reason: input.reason });
    if (status.refundsPending === 0 || paymentsMode(ctx.env).kind === "off") return status;
    const settled = await settleDueRefunds({
      db: ctx.db,
      provider: paymentsProvider({ env: ctx.env, appUrl: actor.appUrl }),
      now: actor.now,
      eventId: input.eventId,
    });
    return {
      ...status,
      refundsPending: status.refundsPending - settled.refunded,
      refundsDone: status.refundsDone + settled.refunded,
    };
  });
