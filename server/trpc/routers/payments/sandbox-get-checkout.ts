import * as z from "zod";
import { SANDBOX_CHECKOUT_STATUSES } from "../../../../db/schema";
import { getSandboxCheckout } from "../../../services/payments/sandbox";
import { providerId } from "./ids";
import { sandboxBuyerProcedure } from "./sandbox-procedures";

export const ZSandboxGetCheckoutInput = z.object({ checkoutId: providerId("checkout") });
export const ZSandboxGetCheckoutOutput = z.object({
  id: z.string(),
  workspaceId: z.uuid(),
  workspaceName: z.string(),
  mode: z.enum(["subscription", "payment"]),
  description: z.string(),
  interval: z.enum(["month", "year"]).nullable(),
  trialDays: z.number().int(),
  amountCents: z.number().int(),
  currency: z.string(),
  status: z.enum(SANDBOX_CHECKOUT_STATUSES),
  expiresAt: z.date(),
  cancelUrl: z.string(),
  successUrl: z.string(),
});

/** The sandbox checkout page: only its buyer sees it. */
export const sandboxGetCheckoutProcedure = sandboxBuyerProcedure
  .input(ZSandboxGetCheckoutInput)
  .output(ZSandboxGetCheckoutOutput)
  .query(({ ctx, input }) =>
    getSandboxCheckout({ db: ctx.db, checkoutId: input.checkoutId, userId: ctx.auth.user.id, now: ctx.clock() }),
  );
