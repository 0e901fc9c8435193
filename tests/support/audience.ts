import { randomUUID } from "node:crypto";
import type { Database } from "../../db/client";
import { tiers } from "../../db/schema";
import type { PaymentEvent, SubscriptionState } from "../../server/services/audience/payment-events";

/** A tier of `workspaceId` (paid unless said otherwise). */
export async function insertTier(
  db: Database,
  workspaceId: string,
  overrides: Partial<typeof tiers.$inferInsert> = {},
) {
  const [tier] = await db
    .insert(tiers)
    .values({
      workspaceId,
      name: overrides.kind === "free" ? "Free" : "Supporter",
      kind: "paid",
      monthlyPriceCents: overrides.kind === "free" ? null : 500,
      ...overrides,
    })
    .returning();
  return tier!;
}

/** A sandbox `subscription.state` event; `created` orders it, the id makes it unique unless given. */
export function subscriptionEvent(opts: {
  workspaceId: string;
  tierId: string;
  userId: string;
  subscriptionId: string;
  status: SubscriptionState["status"];
  created: number;
  currentPeriodEnd: Date;
  eventId?: string;
  cancelAtPeriodEnd?: boolean;
}): PaymentEvent {
  return {
    type: "subscription.state",
    provider: "sandbox",
    account: "sandbox",
    eventId: opts.eventId ?? `evt_${randomUUID()}`,
    created: opts.created,
    workspaceId: opts.workspaceId,
    subscription: {
      id: opts.subscriptionId,
      customerId: "cus_sandbox",
      status: opts.status,
      interval: "month",
      currentPeriodEnd: opts.currentPeriodEnd,
      cancelAtPeriodEnd: opts.cancelAtPeriodEnd ?? false,
      trialEnd: null,
      amountCents: 500,
      currency: "usd",
      tierId: opts.tierId,
      userId: opts.userId,
    },
  };
}
