import * as z from "zod";
import { resetPassword } from "../../../services/auth/accounts";
import { ZLinkToken, ZPassword } from "../../../services/auth/validation";
import { publicProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { ZOk } from "../../schemas";
import { startSession } from "../../session";

export const ZResetPasswordInput = z.object({ token: ZLinkToken, password: ZPassword });

export const resetPasswordProcedure = publicProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZResetPasswordInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    const result = await resetPassword({ db: ctx.db, meta: ctx.meta, now: ctx.clock(), ...input });
    startSession(ctx, result.sessionToken);
    return { ok: true as const };
  });
