import { z } from "zod";
import { ZSessionId } from "../../../services/auth/validation";
import { recordAudit } from "../../../services/audit/audit";
import { deleteOneUserSession } from "../../../services/auth/sessions";
import { notFound } from "../../../lib/errors";
import { authedProcedure } from "../../init";
import { ZOk } from "../../schemas";

export const ZRevokeSessionInput = z.object({ sessionId: ZSessionId });

/** Only the caller's own sessions: another user's session id is NOT_FOUND. */
export const revokeSessionProcedure = authedProcedure
  .input(ZRevokeSessionInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    if (!(await deleteOneUserSession({ db: ctx.db, userId: ctx.auth.user.id, sessionId: input.sessionId })))
      throw notFound("Session");
    await recordAudit({
      db: ctx.db,
      action: "auth.sessions_revoked",
      actorUserId: ctx.auth.user.id,
      detail: { revoked: 1 },
      meta: ctx.meta,
      now: ctx.clock(),
    });
    return { ok: true as const };
  });
