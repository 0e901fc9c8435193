import * as z from "zod";
import { audienceGrowth } from "../../../services/audience/members";
import { workspaceProcedure } from "../../init";

export const ZGetGrowthInput = z.object({ days: z.union([z.literal(30), z.literal(90), z.literal(365)]).default(90) });
export const ZGetGrowthOutput = z.array(
  z.object({ day: z.string(), members: z.number().int(), mrrCents: z.number().int() }),
);

export const getGrowthProcedure = workspaceProcedure("audience.read")
  .input(ZGetGrowthInput)
  .output(ZGetGrowthOutput)
  .query(({ ctx, input }) =>
    audienceGrowth({ db: ctx.db, workspaceId: ctx.access.workspaceId, days: input.days, now: ctx.clock() }),
  );
