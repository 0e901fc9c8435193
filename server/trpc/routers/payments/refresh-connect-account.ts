import { refreshConnectedAccount, requireStripeMode } from "../../../services/payments/connect-accounts";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { workspaceProcedure } from "../../init";
import { ZConnectStatus } from "./get-overview";

export const ZRefreshConnectAccountOutput = ZConnectStatus;

/** Re-reads the connected account from Stripe, for the creator just back from onboarding (webhooks may lag). */
export const refreshConnectAccountProcedure = workspaceProcedure("payments.manage")
  .meta({ cost: EXPENSIVE_CALL })
  .output(ZRefreshConnectAccountOutput)
  .mutation(({ ctx }) =>
    refreshConnectedAccount({
      db: ctx.db,
      mode: requireStripeMode(ctx.env),
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
