import { z } from "zod";
import { recordAudit } from "../../../services/audit/audit";
import { deleteUserSessions } from "../../../services/auth/sessions";
import { authedProcedure } from "../../init";

export const ZRevokeOtherSessionsOutput = z.object({ revoked: z.number().int().nonnegative() });

export const revokeOtherSessionsProcedure = authedProcedure
  .output(ZRevokeOtherSessionsOutput)
  .mutation(async ({ ctx }) => {
    const revoked = await deleteUserSessions({
      db: ctx.db,
      userId: ctx.auth.user.id,
      exceptSessionId: ctx.auth.sessionId,
    });
    await recordAudit({
      db: ctx.db,
      action: "auth.sessions_revoked",
      actorUserId: ctx.auth.user.id,
      detail: { revoked },
      meta: ctx.meta,
      now: ctx.clock(),
    });
    return { revoked };
  });
