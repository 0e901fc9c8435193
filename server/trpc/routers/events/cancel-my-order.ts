import * as z from "zod";
import { ORDER_STATUSES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { cancelOwnOrder } from "../../../services/events/orders";
import { authedProcedure } from "../../init";

export const ZCancelMyOrderInput = z.object({
  workspaceId: rowId("Unknown creator."),
  orderId: rowId("Unknown order."),
});
export const ZCancelMyOrderOutput = z.object({
  orderId: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  refundDueCents: z.number().int(),
});

/** The buyer cancels their own order within the event's refund window (ADR 032); another's order is NOT_FOUND. */
export const cancelMyOrderProcedure = authedProcedure
  .input(ZCancelMyOrderInput)
  .output(ZCancelMyOrderOutput)
  .mutation(({ ctx, input }) =>
    cancelOwnOrder({
      db: ctx.db,
      workspaceId: input.workspaceId,
      orderId: input.orderId,
      userId: ctx.auth.user.id,
      now: ctx.clock(),
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
    }),
  );
