import * as z from "zod";
import { rowId } from "../../../lib/text";
import { createCheckout } from "../../../services/payments/payments";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { authedProcedure } from "../../init";

export const ZCreateTierCheckoutInput = z.object({
  workspaceId: rowId("Unknown creator."),
  tierId: rowId("Unknown tier."),
  interval: z.enum(["month", "year"]),
});
export const ZCreateTierCheckoutOutput = z.object({ id: z.string(), url: z.url(), expiresAt: z.date() });

/**
 * A signed-in person starts paying for a creator's tier; the page redirects them to `url` (Stripe Checkout on the
 * creator's account, or the sandbox). The grant follows from the provider's events, not from this call.
 */
export const createTierCheckoutProcedure = authedProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZCreateTierCheckoutInput)
  .output(ZCreateTierCheckoutOutput)
  .mutation(({ ctx, input }) => {
    const home = `${ctx.config.appUrl}/c/${input.workspaceId}`;
    return createCheckout({
      db: ctx.db,
      env: ctx.env,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
      request: {
        kind: "subscription",
        workspaceId: input.workspaceId,
        userId: ctx.auth.user.id,
        customerEmail: ctx.auth.user.email,
        tierId: input.tierId,
        interval: input.interval,
        successUrl: `${home}/account?checkout=success`,
        cancelUrl: `${home}?checkout=canceled`,
      },
    });
  });
