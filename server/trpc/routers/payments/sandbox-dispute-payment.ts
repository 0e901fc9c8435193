import * as z from "zod";
import { disputeSandboxPayment } from "../../../services/payments/sandbox";
import { SANDBOX_DISPUTE_ACTIONS } from "../../../services/payments/sandbox-controls";
import { providerId } from "./ids";
import { sandboxWorkspaceProcedure } from "./sandbox-procedures";

export const ZSandboxDisputePaymentInput = z.object({
  paymentId: providerId("payment"),
  action: z.enum(SANDBOX_DISPUTE_ACTIONS),
});
export const ZSandboxDisputePaymentOutput = z.object({ ok: z.literal(true) });

/** A supporter's bank opens a dispute on a sandbox payment, and the creator wins or loses it. */
export const sandboxDisputePaymentProcedure = sandboxWorkspaceProcedure("payments.manage")
  .input(ZSandboxDisputePaymentInput)
  .output(ZSandboxDisputePaymentOutput)
  .mutation(async ({ ctx, input }) => {
    await disputeSandboxPayment({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      paymentId: input.paymentId,
      action: input.action,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    return { ok: true as const };
  });
