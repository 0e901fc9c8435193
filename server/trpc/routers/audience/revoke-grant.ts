import * as z from "zod";
import { GRANT_STATUSES } from "../../../../db/schema";
import { revokeMemberGrant } from "../../../services/audience/members";
import { workspaceProcedure } from "../../init";
import { ZGrantId, ZReason, ZSupporterId } from "./schemas";

export const ZRevokeGrantInput = z.object({
  supporterId: ZSupporterId,
  grantId: ZGrantId,
  reason: ZReason.default(""),
});
export const ZRevokeGrantOutput = z.object({ grantId: z.uuid(), status: z.enum(GRANT_STATUSES) });

export const revokeGrantProcedure = workspaceProcedure("audience.manage")
  .input(ZRevokeGrantInput)
  .output(ZRevokeGrantOutput)
  .mutation(({ ctx, input }) =>
    revokeMemberGrant({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      supporterId: input.supporterId,
      grantId: input.grantId,
      reason: input.reason,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
