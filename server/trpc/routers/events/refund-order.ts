import * as z from "zod";
import { ORDER_STATUSES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { cancelOrder } from "../../../services/events/orders";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";

export const ZRefundOrderInput = z.object({
  orderId: rowId("Unknown order."),
  /** End the order's tickets (their seats go to the waitlist); without it, a refund of money only. */
  cancelTickets: z.boolean(),
  /** Minor units; 0 cancels without refunding. */
  refundCents: z.number().int().min(0, "Refund 0 or more.").max(100_000_000, "That is more than the order."),
});
export const ZRefundOrderOutput = z.object({
  orderId: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  refundDueCents: z.number().int(),
});

/**
 * The creator cancels and/or refunds an order, in full or in part (ADR 032): freed seats are offered to the waitlist
 * in the same transaction; the refund is asked of the provider by the per-minute sweep with its idempotency key.
 */
export const refundOrderProcedure = workspaceProcedure("payments.manage")
  .input(ZRefundOrderInput)
  .output(ZRefundOrderOutput)
  .mutation(({ ctx, input }) => {
    const actor = actorOf(ctx);
    return cancelOrder({
      db: actor.db,
      workspaceId: actor.workspaceId,
      orderId: input.orderId,
      cancelTickets: input.cancelTickets,
      refundCents: input.refundCents,
      actorUserId: actor.actorUserId,
      now: actor.now,
      appUrl: actor.appUrl,
      meta: actor.meta,
    });
  });
