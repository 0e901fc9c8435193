import * as z from "zod";
import { refund } from "../../../services/payments/payments";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { workspaceProcedure } from "../../init";
import { providerId } from "./ids";

export const ZRefundPaymentInput = z.object({
  paymentId: providerId("payment"),
  /** Minor units; omitted refunds what is left. */
  amountCents: z.number().int().positive().max(100_000_000).optional(),
});
export const ZRefundPaymentOutput = z.object({
  refundId: z.string(),
  amountRefundedCents: z.number().int(),
  currency: z.string(),
});

/** The creator refunds a supporter's payment; the grant follows when the provider reports the refund. */
export const refundPaymentProcedure = workspaceProcedure("payments.manage")
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZRefundPaymentInput)
  .output(ZRefundPaymentOutput)
  .mutation(({ ctx, input }) =>
    refund({
      db: ctx.db,
      env: ctx.env,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
      request: {
        workspaceId: ctx.access.workspaceId,
        paymentId: input.paymentId,
        amountCents: input.amountCents,
        actorUserId: ctx.auth.user.id,
      },
    }),
  );
