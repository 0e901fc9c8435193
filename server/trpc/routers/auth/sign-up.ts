import * as z from "zod";
import { signUp } from "../../../services/auth/accounts";
import { ZEmail, ZLinkToken, ZPassword, ZPersonName } from "../../../services/auth/validation";
import { publicProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { startSession } from "../../session";

export const ZSignUpInput = z.object({
  name: ZPersonName,
  email: ZEmail,
  password: ZPassword,
  /** The token of the invitation the person signs up through: they join its workspace instead of getting one. */
  invitationToken: ZLinkToken.nullish(),
});
export const ZSignUpOutput = z.object({ userId: z.uuid(), workspaceId: z.uuid(), joinedByInvitation: z.boolean() });

export const signUpProcedure = publicProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZSignUpInput)
  .output(ZSignUpOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await signUp({
      db: ctx.db,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
      ...input,
    });
    startSession(ctx, result.sessionToken);
    return { userId: result.userId, workspaceId: result.workspaceId, joinedByInvitation: result.joinedByInvitation };
  });
