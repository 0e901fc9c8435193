import * as z from "zod";
import { listUserSessions } from "../../../services/auth/sessions";
import { authedProcedure } from "../../init";

export const ZListSessionsOutput = z.array(
  z.object({
    id: z.string(),
    current: z.boolean(),
    createdAt: z.date(),
    lastSeenAt: z.date(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
);

export const listSessionsProcedure = authedProcedure
  .output(ZListSessionsOutput)
  .query(({ ctx }) =>
    listUserSessions({ db: ctx.db, userId: ctx.auth.user.id, currentSessionId: ctx.auth.sessionId, now: ctx.clock() }),
  );
