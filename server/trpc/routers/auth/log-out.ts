import { logOut } from "../../../services/auth/accounts";
import { publicProcedure } from "../../init";
import { ZOk } from "../../schemas";
import { endSession } from "../../session";

/** Public so that logging out with an already-expired cookie still clears it. */
export const logOutProcedure = publicProcedure.output(ZOk).mutation(async ({ ctx }) => {
  if (ctx.auth) {
    await logOut({
      db: ctx.db,
      userId: ctx.auth.user.id,
      sessionId: ctx.auth.sessionId,
      meta: ctx.meta,
      now: ctx.clock(),
    });
  }
  endSession(ctx);
  return { ok: true as const };
});
