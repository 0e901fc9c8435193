import * as z from "zod";
import { SANDBOX_SUBSCRIPTION_STATUSES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { listOwnSandboxSubscriptions } from "../../../services/payments/sandbox";
import { sandboxBuyerProcedure } from "./sandbox-procedures";

export const ZSandboxListOwnSubscriptionsInput = z.object({ workspaceId: rowId("Unknown creator.") });
export const ZSandboxListOwnSubscriptionsOutput = z.object({
  workspaceName: z.string().nullable(),
  items: z.array(
    z.object({
      id: z.string(),
      tierName: z.string(),
      interval: z.enum(["month", "year"]),
      status: z.enum(SANDBOX_SUBSCRIPTION_STATUSES),
      amountCents: z.number().int(),
      currency: z.string(),
      currentPeriodEnd: z.date(),
      cancelAtPeriodEnd: z.boolean(),
    }),
  ),
});

/** The sandbox's customer portal: the signed-in supporter's own subscriptions with one creator. */
export const sandboxListOwnSubscriptionsProcedure = sandboxBuyerProcedure
  .input(ZSandboxListOwnSubscriptionsInput)
  .output(ZSandboxListOwnSubscriptionsOutput)
  .query(({ ctx, input }) =>
    listOwnSandboxSubscriptions({ db: ctx.db, workspaceId: input.workspaceId, userId: ctx.auth.user.id }),
  );
