import * as z from "zod";
import { leaveAudience } from "../../../services/audience/members";
import { supporterProcedure } from "../../init";

export const ZLeaveAudienceOutput = z.object({ left: z.literal(true) });

export const leaveAudienceProcedure = supporterProcedure.output(ZLeaveAudienceOutput).mutation(({ ctx, input }) =>
  leaveAudience({
    db: ctx.db,
    workspaceId: input.workspaceId,
    supporterId: ctx.supporter.id,
    actor: { userId: ctx.auth.user.id, meta: ctx.meta },
    now: ctx.clock(),
  }),
);
