import * as z from "zod";
import { extendMemberGrant } from "../../../services/audience/members";
import { workspaceProcedure } from "../../init";
import { ZGrantId, ZSupporterId } from "./schemas";

export const ZExtendGrantInput = z.object({
  supporterId: ZSupporterId,
  grantId: ZGrantId,
  endsAt: z.date().nullable(),
});
export const ZExtendGrantOutput = z.object({ grantId: z.uuid(), endsAt: z.date().nullable() });

export const extendGrantProcedure = workspaceProcedure("audience.manage")
  .input(ZExtendGrantInput)
  .output(ZExtendGrantOutput)
  .mutation(({ ctx, input }) =>
    extendMemberGrant({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      supporterId: input.supporterId,
      grantId: input.grantId,
      endsAt: input.endsAt,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
