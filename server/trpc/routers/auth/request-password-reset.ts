import * as z from "zod";
import { requestPasswordReset } from "../../../services/auth/accounts";
import { ZEmail } from "../../../services/auth/validation";
import { publicProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { ZOk } from "../../schemas";

export const ZRequestPasswordResetInput = z.object({ email: ZEmail });

export const requestPasswordResetProcedure = publicProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZRequestPasswordResetInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await requestPasswordReset({
      db: ctx.db,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
      email: input.email,
    });
    return { ok: true as const };
  });
