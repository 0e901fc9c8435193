import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  billingAccounts,
  stripeEvents,
  workspaces,
  type BillingStatus,
  type StripeEventOutcome,
} from "../../../db/schema";
import { isLocalEnvironment } from "../../config/environments";
import { AppError } from "../../lib/errors";
import {
  DEFAULT_PLAN,
  getPlan,
  PLAN_IDS,
  PLANS,
  stripePriceIds,
  type Plan,
  type PlanId,
  type PriceConfig,
} from "./plans";

/** How long a past_due workspace keeps its paid plan while Stripe retries the payment. */
export const GRACE_PERIOD_DAYS = 7;

export interface AccountState {
  plan: PlanId;
  status: BillingStatus;
  graceUntil: Date | null;
}

/**
 * The plan a workspace may use now: the subscribed plan while the subscription is active or trialing, or
 * past_due within its grace period; Free otherwise (no subscription, canceled, unpaid, expired, paused).
 * A plan set locally by scripts/set-plan.ts is stored as status "active".
 */
export function effectivePlan(account: AccountState | null, now: Date): PlanId {
  if (!account) return DEFAULT_PLAN;
  if (account.status === "active" || account.status === "trialing") return account.plan;
  if (account.status === "past_due" && account.graceUntil && account.graceUntil > now) return account.plan;
  return DEFAULT_PLAN;
}

export interface BillingSummary {
  plan: Plan;
  status: BillingStatus;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  graceUntil: Date | null;
}

/** Billing works only with a Stripe key and webhook secret; without them every workspace is on Free. */
export function isBillingConfigured(env: { STRIPE_SECRET_KEY?: string; STRIPE_WEBHOOK_SECRET?: string }): boolean {
  return Boolean(env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET);
}

/** The workspace's billing account row (none until it first subscribes), unawaited so callers can batch it. */
export function billingAccountQuery(db: DbOrTx, workspaceId: string) {
  return db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId));
}

/** What billingAccountQuery's rows mean at `now`. */
export function billingSummaryOf(account: typeof billingAccounts.$inferSelect | undefined, now: Date): BillingSummary {
  return {
    plan: getPlan(effectivePlan(account ?? null, now)),
    status: account?.status ?? "none",
    currentPeriodEnd: account?.currentPeriodEnd ?? null,
    cancelAtPeriodEnd: account?.cancelAtPeriodEnd ?? false,
    graceUntil: account?.graceUntil ?? null,
  };
}

export async function getBillingSummary(opts: { db: DbOrTx; workspaceId: string; now: Date }): Promise<BillingSummary> {
  const [account] = await billingAccountQuery(opts.db, opts.workspaceId);
  return billingSummaryOf(account, opts.now);
}

export interface BillingOverview extends BillingSummary {
  configured: boolean;
  /** Every plan, for comparison; `purchasable` when Stripe and the plan's price are configured. */
  plans: (Plan & { purchasable: boolean })[];
}

export async function getBillingOverview(opts: {
  db: DbOrTx;
  workspaceId: string;
  env: PriceConfig & { STRIPE_SECRET_KEY?: string; STRIPE_WEBHOOK_SECRET?: string };
  now: Date;
}): Promise<BillingOverview> {
  const configured = isBillingConfigured(opts.env);
  // Unconfigured, a stored paid plan (e.g. from scripts/set-plan.ts) still applies: that is how it is tested locally.
  const summary = await getBillingSummary(opts);
  const prices = stripePriceIds(opts.env);
  return {
    ...summary,
    configured,
    plans: PLAN_IDS.map((id) => ({ ...PLANS[id], purchasable: configured && id !== "free" && Boolean(prices[id]) })),
  };
}

export interface StripeEventEntry {
  id: string;
  type: string;
  outcome: StripeEventOutcome;
  detail: string | null;
  attempts: number;
  receivedAt: Date;
  processedAt: Date | null;
}

/** The workspace's Stripe events, newest first, with what happened to each (for admins). */
export async function listStripeEvents(opts: {
  db: DbOrTx;
  workspaceId: string;
  limit: number;
}): Promise<StripeEventEntry[]> {
  return opts.db
    .select({
      id: stripeEvents.id,
      type: stripeEvents.type,
      outcome: stripeEvents.outcome,
      detail: stripeEvents.detail,
      attempts: stripeEvents.attempts,
      receivedAt: stripeEvents.receivedAt,
      processedAt: stripeEvents.processedAt,
    })
    .from(stripeEvents)
    .where(eq(stripeEvents.workspaceId, opts.workspaceId))
    .orderBy(desc(stripeEvents.receivedAt), desc(stripeEvents.id))
    .limit(opts.limit);
}

/**
 * Local testing only (scripts/set-plan.ts): puts a workspace on a plan without Stripe, as an active
 * subscription would. Refused outside development/test (an unset or unknown ENVIRONMENT included), where only
 * Stripe's webhooks change plans.
 */
export async function setPlanLocally(opts: {
  db: DbOrTx;
  workspaceId: string;
  plan: PlanId;
  environment: string | undefined;
  now: Date;
}): Promise<void> {
  if (!isLocalEnvironment(opts.environment)) {
    throw new AppError("FORBIDDEN", "Plans are set by Stripe outside development and test.");
  }
  const [workspace] = await opts.db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.id, opts.workspaceId));
  if (!workspace) throw new AppError("NOT_FOUND", "Workspace not found.");
  const values = {
    plan: opts.plan,
    status: (opts.plan === DEFAULT_PLAN ? "none" : "active") as BillingStatus,
    graceUntil: null,
    updatedAt: opts.now,
  };
  await opts.db
    .insert(billingAccounts)
    .values({ workspaceId: opts.workspaceId, ...values })
    .onConflictDoUpdate({ target: billingAccounts.workspaceId, set: values });
}
