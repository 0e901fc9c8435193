import * as z from "zod";
import { rowId } from "../../../lib/text";
import { createPortal } from "../../../services/payments/payments";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { authedProcedure } from "../../init";

export const ZCreatePortalInput = z.object({ workspaceId: rowId("Unknown creator.") });
export const ZCreatePortalOutput = z.object({ url: z.url() });

/** Where a supporter manages what they pay this creator (Stripe's customer portal on the creator's account, or the sandbox's). */
export const createPortalProcedure = authedProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZCreatePortalInput)
  .output(ZCreatePortalOutput)
  .mutation(({ ctx, input }) =>
    createPortal({
      db: ctx.db,
      env: ctx.env,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
      workspaceId: input.workspaceId,
      userId: ctx.auth.user.id,
      returnUrl: `${ctx.config.appUrl}/c/${input.workspaceId}/account`,
    }),
  );
