import * as z from "zod";
import { joinWithPassword } from "../../../services/audience/join";
import { ZEmail, ZPassword, ZPersonName } from "../../../services/auth/validation";
import { rowId } from "../../../lib/text";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { publicProcedure, ZWorkspaceInput } from "../../init";
import { startSession } from "../../session";

export const ZJoinWithPasswordInput = ZWorkspaceInput.extend({
  tierId: rowId("Unknown tier.").nullish(),
  name: ZPersonName,
  email: ZEmail,
  password: ZPassword,
});
export const ZJoinWithPasswordOutput = z.object({ userId: z.uuid() });

export const joinWithPasswordProcedure = publicProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZJoinWithPasswordInput)
  .output(ZJoinWithPasswordOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await joinWithPassword({
      db: ctx.db,
      appUrl: ctx.config.appUrl,
      workspaceId: input.workspaceId,
      tierId: input.tierId ?? null,
      email: input.email,
      name: input.name,
      password: input.password,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    startSession(ctx, result.sessionToken);
    return { userId: result.userId };
  });
