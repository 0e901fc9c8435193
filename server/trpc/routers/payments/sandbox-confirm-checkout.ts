import * as z from "zod";
import { confirmSandboxCheckout, declineSandboxCheckout } from "../../../services/payments/sandbox";
import { providerId } from "./ids";
import { sandboxBuyerProcedure } from "./sandbox-procedures";

export const ZSandboxCheckoutDecisionInput = z.object({ checkoutId: providerId("checkout") });
export const ZSandboxCheckoutDecisionOutput = z.object({ redirectTo: z.string() });

/** The buyer pays with pretend money; the subscription or payment starts and its events reach the ledger. */
export const sandboxConfirmCheckoutProcedure = sandboxBuyerProcedure
  .input(ZSandboxCheckoutDecisionInput)
  .output(ZSandboxCheckoutDecisionOutput)
  .mutation(({ ctx, input }) =>
    confirmSandboxCheckout({
      db: ctx.db,
      checkoutId: input.checkoutId,
      userId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );

/** The buyer declines; the checkout closes and any hold taken for it is released. */
export const sandboxDeclineCheckoutProcedure = sandboxBuyerProcedure
  .input(ZSandboxCheckoutDecisionInput)
  .output(ZSandboxCheckoutDecisionOutput)
  .mutation(({ ctx, input }) =>
    declineSandboxCheckout({
      db: ctx.db,
      checkoutId: input.checkoutId,
      userId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
