import * as z from "zod";
import { requestEmailChange } from "../../../services/auth/profile";
import { ZEmail, ZPasswordAttempt } from "../../../services/auth/validation";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { authedProcedure } from "../../init";

export const ZRequestEmailChangeInput = z.object({
  newEmail: ZEmail,
  currentPassword: ZPasswordAttempt("Enter your current password."),
});
export const ZRequestEmailChangeOutput = z.object({ pendingEmail: z.string() });

/** Hashes the password and sends an email: an expensive call, rate-limited inside the service before either. */
export const requestEmailChangeProcedure = authedProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZRequestEmailChangeInput)
  .output(ZRequestEmailChangeOutput)
  .mutation(({ ctx, input }) =>
    requestEmailChange({
      db: ctx.db,
      appUrl: ctx.config.appUrl,
      userId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      ...input,
    }),
  );
