import * as z from "zod";
import { SANDBOX_DISPUTE_STATUSES, SANDBOX_SUBSCRIPTION_STATUSES } from "../../../../db/schema";
import { getPaymentsOverview } from "../../../services/payments/overview";
import { workspaceProcedure } from "../../init";

const ZSandboxSubscription = z.object({
  id: z.string(),
  userEmail: z.string(),
  tierName: z.string(),
  interval: z.enum(["month", "year"]),
  status: z.enum(SANDBOX_SUBSCRIPTION_STATUSES),
  amountCents: z.number().int(),
  currency: z.string(),
  currentPeriodEnd: z.date(),
  cancelAtPeriodEnd: z.boolean(),
  failNextRenewal: z.boolean(),
});
const ZSandboxPayment = z.object({
  id: z.string(),
  userEmail: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  status: z.enum(["succeeded", "failed"]),
  amountCents: z.number().int(),
  refundedCents: z.number().int(),
  currency: z.string(),
  disputeStatus: z.enum(SANDBOX_DISPUTE_STATUSES).nullable(),
  createdAt: z.date(),
});

export const ZConnectStatus = z.object({
  accountId: z.string(),
  chargesEnabled: z.boolean(),
  payoutsEnabled: z.boolean(),
  detailsSubmitted: z.boolean(),
  requirementsCurrentlyDue: z.array(z.string()),
  requirementsPastDue: z.array(z.string()),
  disabledReason: z.string().nullable(),
});

export const ZGetOverviewOutput = z.object({
  mode: z.enum(["stripe", "sandbox", "off"]),
  /** The workspace's Stripe Connect account in Stripe mode (null before onboarding starts, and in other modes). */
  connect: ZConnectStatus.nullable(),
  sandbox: z.object({ subscriptions: z.array(ZSandboxSubscription), payments: z.array(ZSandboxPayment) }).nullable(),
});

/** The creator's payments page: which provider takes supporters' money, and in the sandbox what it holds. */
export const getOverviewProcedure = workspaceProcedure("payments.manage")
  .output(ZGetOverviewOutput)
  .query(({ ctx }) => getPaymentsOverview({ db: ctx.db, env: ctx.env, workspaceId: ctx.access.workspaceId }));
