import * as z from "zod";
import { BILLING_STATUSES } from "../../../../db/schema";
import { getBillingOverview } from "../../../services/billing/accounts";
import { PLAN_IDS } from "../../../services/billing/plans";
import { workspaceProcedure } from "../../init";

const ZLimits = z.object({
  transcriptionMinutesPerMonth: z.number().int(),
  storageBytes: z.number().int(),
  scheduledPostsPerMonth: z.number().int(),
  socialAccounts: z.number().int(),
  seats: z.number().int(),
});
const ZPlan = z.object({
  id: z.enum(PLAN_IDS),
  name: z.string(),
  monthlyPriceCents: z.number().int(),
  /** Greenroom's application fee on what the workspace's supporters pay through Stripe Connect (ADR 025). */
  connectFeePercent: z.number(),
  limits: ZLimits,
});

export const ZGetOverviewOutput = z.object({
  configured: z.boolean(),
  plan: ZPlan,
  status: z.enum(BILLING_STATUSES),
  currentPeriodEnd: z.date().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  graceUntil: z.date().nullable(),
  plans: z.array(ZPlan.extend({ purchasable: z.boolean() })),
});

/** Every member may see the workspace's plan and limits; managing it is billing.manage. */
export const getOverviewProcedure = workspaceProcedure("workspace.read")
  .output(ZGetOverviewOutput)
  .query(({ ctx }) =>
    getBillingOverview({ db: ctx.db, workspaceId: ctx.access.workspaceId, env: ctx.env, now: ctx.clock() }),
  );
