import * as z from "zod";
import { confirmEmailChange } from "../../../services/auth/profile";
import { ZLinkToken } from "../../../services/auth/validation";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { publicProcedure } from "../../init";

export const ZConfirmEmailChangeInput = z.object({ token: ZLinkToken });
export const ZConfirmEmailChangeOutput = z.object({ email: z.string() });

/** The link may be opened logged out (another device): the token is the credential, rate-limited per network. */
export const confirmEmailChangeProcedure = publicProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZConfirmEmailChangeInput)
  .output(ZConfirmEmailChangeOutput)
  .mutation(async ({ ctx, input }) => {
    const { email } = await confirmEmailChange({
      db: ctx.db,
      appUrl: ctx.config.appUrl,
      token: input.token,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    return { email };
  });
