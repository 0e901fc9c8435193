import * as z from "zod";
import { logIn } from "../../../services/auth/accounts";
import { ZEmail, ZPasswordAttempt } from "../../../services/auth/validation";
import { publicProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { startSession } from "../../session";

export const ZLogInInput = z.object({ email: ZEmail, password: ZPasswordAttempt("Enter your password.") });
export const ZLogInOutput = z.object({ userId: z.uuid() });

export const logInProcedure = publicProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZLogInInput)
  .output(ZLogInOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await logIn({ db: ctx.db, meta: ctx.meta, now: ctx.clock(), ...input });
    startSession(ctx, result.sessionToken);
    return { userId: result.userId };
  });
