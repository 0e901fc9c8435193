import { recordAudit } from "../../../services/audit/audit";
import { deleteSession } from "../../../services/auth/sessions";
import { publicProcedure } from "../../init";
import { ZOk } from "../../schemas";
import { endSession } from "../../session";

/** Public so that logging out with an already-expired cookie still clears it. */
export const logOutProcedure = publicProcedure.output(ZOk).mutation(async ({ ctx }) => {
  if (ctx.auth) {
    await deleteSession({ db: ctx.db, sessionId: ctx.auth.sessionId });
    await recordAudit({
      db: ctx.db,
      action: "auth.logged_out",
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    });
  }
  endSession(ctx);
  return { ok: true as const };
});
