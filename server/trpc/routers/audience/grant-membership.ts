import * as z from "zod";
import { grantMembership } from "../../../services/audience/members";
import { ZEmail } from "../../../services/auth/validation";
import { rowId } from "../../../lib/text";
import { workspaceProcedure } from "../../init";
import { ZReason } from "./schemas";

export const ZGrantMembershipInput = z.object({
  email: ZEmail,
  tierId: rowId("Unknown tier."),
  source: z.enum(["complimentary", "gift"]),
  startsAt: z.date().optional(),
  endsAt: z.date().nullable(),
  reason: ZReason.default(""),
});
export const ZGrantMembershipOutput = z.object({ supporterId: z.uuid(), grantId: z.uuid() });

export const grantMembershipProcedure = workspaceProcedure("audience.manage")
  .input(ZGrantMembershipInput)
  .output(ZGrantMembershipOutput)
  .mutation(({ ctx, input }) => {
    const now = ctx.clock();
    return grantMembership({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      email: input.email,
      tierId: input.tierId,
      source: input.source,
      startsAt: input.startsAt ?? now,
      endsAt: input.endsAt,
      reason: input.reason,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now,
    });
  });
