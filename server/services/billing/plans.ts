/**
 * The plans, the only place that says what each plan allows and costs. Quotas, the billing page and the webhook
 * all read from here. Stripe price ids come from configuration (they differ between test and live mode and
 * between accounts), never from code.
 */
export const PLAN_IDS = ["free", "creator", "pro"] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export interface PlanLimits {
  transcriptionMinutesPerMonth: number;
  storageBytes: number;
  scheduledPostsPerMonth: number;
  socialAccounts: number;
  seats: number;
}

export interface Plan {
  id: PlanId;
  name: string;
  /** Shown on the billing page; what Stripe charges is the configured price, this is its label. */
  monthlyPriceCents: number;
  /**
   * Greenroom's cut of what supporters pay the workspace through Stripe Connect (ADR 025), in percent: Stripe's
   * `application_fee_percent` on subscriptions, and the same share as `application_fee_amount` on one-off payments.
   * Paid plans pay less of it, as they already pay Greenroom.
   */
  connectFeePercent: number;
  limits: PlanLimits;
}

const GIB = 1024 ** 3;

export const PLANS: Readonly<Record<PlanId, Plan>> = {
  free: {
    id: "free",
    name: "Free",
    connectFeePercent: 5,
    monthlyPriceCents: 0,
    limits: {
      transcriptionMinutesPerMonth: 60,
      storageBytes: 2 * GIB,
      scheduledPostsPerMonth: 10,
      socialAccounts: 1,
      seats: 2,
    },
  },
  creator: {
    id: "creator",
    name: "Creator",
    connectFeePercent: 3,
    monthlyPriceCents: 1500,
    limits: {
      transcriptionMinutesPerMonth: 600,
      storageBytes: 50 * GIB,
      scheduledPostsPerMonth: 100,
      socialAccounts: 3,
      seats: 5,
    },
  },
  pro: {
    id: "pro",
    name: "Pro",
    connectFeePercent: 1,
    monthlyPriceCents: 4900,
    limits: {
      transcriptionMinutesPerMonth: 3000,
      storageBytes: 500 * GIB,
      scheduledPostsPerMonth: 1000,
      socialAccounts: 10,
      seats: 15,
    },
  },
};

/** Every workspace without a paid, active subscription (and every workspace when Stripe is not configured). */
export const DEFAULT_PLAN: PlanId = "free";

export function isPlanId(value: string): value is PlanId {
  return (PLAN_IDS as readonly string[]).includes(value);
}

export function getPlan(id: PlanId): Plan {
  return PLANS[id];
}

/** The paid plans' Stripe price ids, from the environment (STRIPE_PRICE_CREATOR, STRIPE_PRICE_PRO). */
export interface PriceConfig {
  STRIPE_PRICE_CREATOR?: string;
  STRIPE_PRICE_PRO?: string;
}

/** Price id per paid plan; a plan whose price is not configured cannot be bought (absent from the map). */
export function stripePriceIds(config: PriceConfig): Partial<Record<Exclude<PlanId, "free">, string>> {
  const prices: Partial<Record<Exclude<PlanId, "free">, string>> = {};
  if (config.STRIPE_PRICE_CREATOR) prices.creator = config.STRIPE_PRICE_CREATOR;
  if (config.STRIPE_PRICE_PRO) prices.pro = config.STRIPE_PRICE_PRO;
  return prices;
}

/** Which plan a Stripe price id buys; null for a price Greenroom does not sell (the subscription is then ignored). */
export function planForPriceId(config: PriceConfig, priceId: string): PlanId | null {
  const prices = stripePriceIds(config);
  for (const [plan, id] of Object.entries(prices)) if (id === priceId) return plan as PlanId;
  return null;
}

/** The platform fee on a one-off Connect payment of `amountCents` under `plan`, in the same minor units. */
export function connectFeeCents(plan: PlanId, amountCents: number): number {
  return Math.round((amountCents * PLANS[plan].connectFeePercent) / 100);
}
