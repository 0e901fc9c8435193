import * as z from "zod";
import { ZLinkToken } from "../../../services/auth/validation";
import { verifyEmail } from "../../../services/auth/accounts";
import { publicProcedure } from "../../init";
import { ZOk } from "../../schemas";

export const ZVerifyEmailInput = z.object({ token: ZLinkToken });

export const verifyEmailProcedure = publicProcedure
  .input(ZVerifyEmailInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await verifyEmail({ db: ctx.db, token: input.token, meta: ctx.meta, now: ctx.clock() });
    return { ok: true as const };
  });
