import * as z from "zod";
import { resendVerificationEmail } from "../../../services/auth/accounts";
import { authedProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";

export const ZResendVerificationOutput = z.object({ sent: z.boolean() });

export const resendVerificationProcedure = authedProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .output(ZResendVerificationOutput)
  .mutation(({ ctx }) =>
    resendVerificationEmail({
      db: ctx.db,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
      userId: ctx.auth.user.id,
    }),
  );
