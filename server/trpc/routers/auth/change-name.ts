import * as z from "zod";
import { changeName } from "../../../services/auth/profile";
import { ZPersonName } from "../../../services/auth/validation";
import { authedProcedure } from "../../init";

export const ZChangeNameInput = z.object({ name: ZPersonName });
export const ZChangeNameOutput = z.object({ name: z.string() });

export const changeNameProcedure = authedProcedure
  .input(ZChangeNameInput)
  .output(ZChangeNameOutput)
  .mutation(({ ctx, input }) =>
    changeName({ db: ctx.db, userId: ctx.auth.user.id, name: input.name, meta: ctx.meta, now: ctx.clock() }),
  );
