import * as z from "zod";
import { SUPPORTER_STATUSES } from "../../../../db/schema";
import { setMemberBlocked } from "../../../services/audience/members";
import { workspaceProcedure } from "../../init";
import { ZReason, ZSupporterId } from "./schemas";

export const ZSetMemberBlockedInput = z.object({
  supporterId: ZSupporterId,
  blocked: z.boolean(),
  reason: ZReason.default(""),
});
export const ZSetMemberBlockedOutput = z.object({ status: z.enum(SUPPORTER_STATUSES) });

export const setMemberBlockedProcedure = workspaceProcedure("audience.manage")
  .input(ZSetMemberBlockedInput)
  .output(ZSetMemberBlockedOutput)
  .mutation(({ ctx, input }) =>
    setMemberBlocked({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      supporterId: input.supporterId,
      blocked: input.blocked,
      reason: input.reason,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
