import * as z from "zod";
import { revokeSessions } from "../../../services/auth/accounts";
import { authedProcedure } from "../../init";

export const ZRevokeOtherSessionsOutput = z.object({ revoked: z.number().int().nonnegative() });

export const revokeOtherSessionsProcedure = authedProcedure
  .output(ZRevokeOtherSessionsOutput)
  .mutation(async ({ ctx }) => {
    const revoked = await revokeSessions({
      db: ctx.db,
      userId: ctx.auth.user.id,
      currentSessionId: ctx.auth.sessionId,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    return { revoked };
  });
