import * as z from "zod";
import { changePassword } from "../../../services/auth/accounts";
import { ZPassword, ZPasswordAttempt } from "../../../services/auth/validation";
import { authedProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { ZOk } from "../../schemas";
import { startSession } from "../../session";

export const ZChangePasswordInput = z.object({
  currentPassword: ZPasswordAttempt("Enter your current password."),
  newPassword: ZPassword,
});

export const changePasswordProcedure = authedProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZChangePasswordInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    const result = await changePassword({
      db: ctx.db,
      userId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      ...input,
    });
    startSession(ctx, result.sessionToken);
    return { ok: true as const };
  });
