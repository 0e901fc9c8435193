import * as z from "zod";
import { getWorkspaceUsage } from "../../../services/billing/usage";
import { PLAN_IDS } from "../../../services/billing/plans";
import { workspaceProcedure } from "../../init";

const ZUsageLine = z.object({
  used: z.number().int(),
  limit: z.number().int(),
  unit: z.enum(["bytes", "minutes", "posts", "accounts", "seats"]),
});

export const ZGetUsageOutput = z.object({
  plan: z.object({ id: z.enum(PLAN_IDS), name: z.string() }),
  periodStart: z.string(),
  storage: ZUsageLine,
  transcriptionMinutes: ZUsageLine,
  scheduledPosts: ZUsageLine,
  socialAccounts: ZUsageLine,
  seats: ZUsageLine,
});

/** Every member may see how much of the plan is used, as they see the plan itself. */
export const getUsageProcedure = workspaceProcedure("workspace.read")
  .output(ZGetUsageOutput)
  .query(async ({ ctx }) => {
    const usage = await getWorkspaceUsage({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      now: ctx.clock(),
    });
    return { ...usage, plan: { id: usage.plan.id, name: usage.plan.name } };
  });
