import * as z from "zod";
import { rowId } from "../../../lib/text";
import { startEventCheckout } from "../../../services/events/public";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { authedProcedure } from "../../init";

export const ZStartCheckoutInput = z.object({
  workspaceId: rowId("Unknown creator."),
  orderId: rowId("Unknown order."),
});
export const ZStartCheckoutOutput = z.object({ id: z.string(), url: z.url(), expiresAt: z.date() });

/** The provider's checkout (sandbox offline) for the caller's held order; the checkout and the hold end together. */
export const startCheckoutProcedure = authedProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZStartCheckoutInput)
  .output(ZStartCheckoutOutput)
  .mutation(({ ctx, input }) =>
    startEventCheckout({
      db: ctx.db,
      env: ctx.env,
      workspaceId: input.workspaceId,
      orderId: input.orderId,
      userId: ctx.auth.user.id,
      now: ctx.clock(),
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
    }),
  );
