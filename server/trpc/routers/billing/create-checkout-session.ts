import * as z from "zod";
import { createCheckoutSession } from "../../../services/billing/checkout";
import { workspaceProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";

export const ZCreateCheckoutSessionInput = z.object({
  plan: z.enum(["creator", "pro"]),
});
export const ZCreateCheckoutSessionOutput = z.object({ url: z.url() });

export const createCheckoutSessionProcedure = workspaceProcedure("billing.manage")
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZCreateCheckoutSessionInput)
  .output(ZCreateCheckoutSessionOutput)
  .mutation(({ ctx, input }) =>
    createCheckoutSession({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      plan: input.plan,
      env: ctx.env,
      appUrl: ctx.config.appUrl,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
