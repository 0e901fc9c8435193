import * as z from "zod";
import { revokeSessions } from "../../../services/auth/accounts";
import { ZSessionId } from "../../../services/auth/validation";
import { authedProcedure } from "../../init";
import { ZOk } from "../../schemas";

export const ZRevokeSessionInput = z.object({ sessionId: ZSessionId });

/** Only the caller's own sessions: another user's session id is NOT_FOUND. */
export const revokeSessionProcedure = authedProcedure
  .input(ZRevokeSessionInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await revokeSessions({
      db: ctx.db,
      userId: ctx.auth.user.id,
      currentSessionId: ctx.auth.sessionId,
      sessionId: input.sessionId,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    return { ok: true as const };
  });
