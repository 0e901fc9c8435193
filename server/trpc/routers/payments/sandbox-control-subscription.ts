import * as z from "zod";
import { SANDBOX_SUBSCRIPTION_STATUSES } from "../../../../db/schema";
import { controlSandboxSubscription } from "../../../services/payments/sandbox";
import { SANDBOX_CONTROLS, SUPPORTER_SANDBOX_CONTROLS } from "../../../services/payments/sandbox-controls";
import { rowId } from "../../../lib/text";
import { providerId } from "./ids";
import { sandboxBuyerProcedure, sandboxWorkspaceProcedure } from "./sandbox-procedures";

export const ZSandboxControlOutput = z.object({
  status: z.enum(SANDBOX_SUBSCRIPTION_STATUSES),
  cancelAtPeriodEnd: z.boolean(),
});

export const ZSandboxControlSubscriptionInput = z.object({
  subscriptionId: providerId("subscription"),
  control: z.enum(SANDBOX_CONTROLS),
});

/** The creator drives a sandbox subscription as Stripe's billing would: renew, fail a renewal, cancel, resume. */
export const sandboxControlSubscriptionProcedure = sandboxWorkspaceProcedure("payments.manage")
  .input(ZSandboxControlSubscriptionInput)
  .output(ZSandboxControlOutput)
  .mutation(({ ctx, input }) =>
    controlSandboxSubscription({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      subscriptionId: input.subscriptionId,
      control: input.control,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );

export const ZSandboxControlOwnSubscriptionInput = z.object({
  workspaceId: rowId("Unknown creator."),
  subscriptionId: providerId("subscription"),
  control: z.enum(SUPPORTER_SANDBOX_CONTROLS),
});

/** The supporter cancels (now or at period end) or resumes their own sandbox subscription: the sandbox's portal. */
export const sandboxControlOwnSubscriptionProcedure = sandboxBuyerProcedure
  .input(ZSandboxControlOwnSubscriptionInput)
  .output(ZSandboxControlOutput)
  .mutation(({ ctx, input }) =>
    controlSandboxSubscription({
      db: ctx.db,
      workspaceId: input.workspaceId,
      subscriptionId: input.subscriptionId,
      control: input.control,
      userId: ctx.auth.user.id,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
