import { describe, expect, it } from "vitest";
import { effectivePlan } from "../../server/services/billing/accounts";
import {
  DEFAULT_PLAN,
  PLAN_IDS,
  PLANS,
  isPlanId,
  planForPriceId,
  stripePriceIds,
} from "../../server/services/billing/plans";

const NOW = new Date("2026-11-01T00:00:00Z");

describe("plans", () => {
  it("defines Free, Creator and Pro with every limit, each paid plan allowing more than the one below", () => {
    expect(PLAN_IDS).toEqual(["free", "creator", "pro"]);
    const limits = PLAN_IDS.map((id) => PLANS[id].limits);
    for (const key of Object.keys(limits[0]) as (keyof (typeof limits)[0])[]) {
      expect(limits[0][key]).toBeGreaterThan(0);
      expect(limits[1][key]).toBeGreaterThan(limits[0][key]);
      expect(limits[2][key]).toBeGreaterThan(limits[1][key]);
    }
    expect(Object.keys(limits[0]).sort()).toEqual([
      "scheduledPostsPerMonth",
      "seats",
      "socialAccounts",
      "storageBytes",
      "transcriptionMinutesPerMonth",
    ]);
    expect(PLANS.free.monthlyPriceCents).toBe(0);
    expect(DEFAULT_PLAN).toBe("free");
  });

  it("maps Stripe price ids from configuration only", () => {
    expect(stripePriceIds({})).toEqual({});
    const config = { STRIPE_PRICE_CREATOR: "price_a", STRIPE_PRICE_PRO: "price_b" };
    expect(stripePriceIds(config)).toEqual({ creator: "price_a", pro: "price_b" });
    expect(planForPriceId(config, "price_b")).toBe("pro");
    expect(planForPriceId(config, "price_other")).toBeNull();
    expect(planForPriceId({}, "price_a")).toBeNull();
  });

  it("recognises plan ids", () => {
    expect(isPlanId("pro")).toBe(true);
    expect(isPlanId("enterprise")).toBe(false);
  });
});

describe("effective plan", () => {
  it("is Free without an account or a live subscription", () => {
    expect(effectivePlan(null, NOW)).toBe("free");
    for (const status of ["none", "canceled", "unpaid", "incomplete", "incomplete_expired", "paused"] as const) {
      expect(effectivePlan({ plan: "pro", status, graceUntil: null }, NOW)).toBe("free");
    }
  });

  it("is the subscribed plan while active or trialing, and while past due within the grace period", () => {
    expect(effectivePlan({ plan: "pro", status: "active", graceUntil: null }, NOW)).toBe("pro");
    expect(effectivePlan({ plan: "creator", status: "trialing", graceUntil: null }, NOW)).toBe("creator");
    const graceUntil = new Date("2026-11-02T00:00:00Z");
    expect(effectivePlan({ plan: "pro", status: "past_due", graceUntil }, NOW)).toBe("pro");
    expect(effectivePlan({ plan: "pro", status: "past_due", graceUntil }, graceUntil)).toBe("free");
    expect(effectivePlan({ plan: "pro", status: "past_due", graceUntil: null }, NOW)).toBe("free");
  });
});
