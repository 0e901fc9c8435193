import * as z from "zod";
import { requireStripeMode, startConnectOnboarding } from "../../../services/payments/connect-accounts";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { workspaceProcedure } from "../../init";

export const ZStartConnectOnboardingOutput = z.object({ url: z.url() });

/**
 * The creator connects (or finishes connecting) their Stripe account: the page redirects to Stripe's onboarding,
 * which returns to /w/:id/payments. The account is created once per workspace.
 */
export const startConnectOnboardingProcedure = workspaceProcedure("payments.manage")
  .meta({ cost: EXPENSIVE_CALL })
  .output(ZStartConnectOnboardingOutput)
  .mutation(({ ctx }) =>
    startConnectOnboarding({
      db: ctx.db,
      mode: requireStripeMode(ctx.env),
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
