import * as z from "zod";
import { publicProcedure } from "../../init";

export const ZGetSessionOutput = z
  .object({ user: z.object({ id: z.uuid(), email: z.string(), name: z.string(), emailVerified: z.boolean() }) })
  .nullable();

export const getSessionProcedure = publicProcedure
  .output(ZGetSessionOutput)
  .query(({ ctx }) => (ctx.auth ? { user: ctx.auth.user } : null));
