import * as z from "zod";
import { TIER_KINDS } from "../../../../db/schema";
import { getCreatorHome } from "../../../services/audience/home";
import { publicProcedure, ZWorkspaceInput } from "../../init";

export const ZGetCreatorHomeOutput = z.object({
  workspaceId: z.uuid(),
  name: z.string(),
  tiers: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      description: z.string(),
      benefits: z.array(z.string()),
      kind: z.enum(TIER_KINDS),
      monthlyPriceCents: z.number().int().nullable(),
      yearlyPriceCents: z.number().int().nullable(),
      currency: z.string(),
      trialDays: z.number().int(),
    }),
  ),
  viewer: z.object({
    kind: z.enum(["anonymous", "signed_in", "team", "supporter"]),
    status: z.enum(["active", "blocked"]).optional(),
  }),
});

export const getCreatorHomeProcedure = publicProcedure
  .input(ZWorkspaceInput)
  .output(ZGetCreatorHomeOutput)
  .query(({ ctx, input }) => getCreatorHome({ db: ctx.db, workspaceId: input.workspaceId, auth: ctx.auth }));
