/**
 * The webhook service against a real Postgres server (concurrent deliveries need parallel transactions, which
 * PGlite cannot run; ADR 003) and the real Stripe SDK talking to a local stand-in of Stripe's API.
 */
import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingAccounts, stripeEvents, workspaces } from "../../db/schema";
import { effectivePlan } from "../../server/services/billing/accounts";
import { createStripeClient } from "../../server/services/billing/stripe-client";
import { handleStripeEvent, WORKSPACE_METADATA_KEY, type WebhookResult } from "../../server/services/billing/webhooks";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { startStripeApi, subscriptionObject, type FakeSubscription, type StripeApiServer } from "../support/stripe-api";

const prices = { STRIPE_PRICE_CREATOR: "price_creator_test", STRIPE_PRICE_PRO: "price_pro_test" };
const NOW = new Date("2026-11-01T12:00:00Z");
const PERIOD_END = Math.floor(new Date("2026-12-01T00:00:00Z").getTime() / 1000);

let pg: PostgresServer;
let api: StripeApiServer;
let stripe: Stripe;

beforeAll(async () => {
  [pg, api] = await Promise.all([startPostgresServer(), startStripeApi()]);
  stripe = createStripeClient({ secretKey: "sk_test_local", apiUrl: api.url });
}, 60_000);

afterAll(async () => {
  await Promise.all([pg?.stop(), api?.close()]);
});

async function newWorkspace(): Promise<string> {
  const [workspace] = await pg.db.insert(workspaces).values({ name: "Billing studio" }).returning();
  return workspace.id;
}

function fakeSubscription(workspaceId: string, overrides: Partial<FakeSubscription> = {}): FakeSubscription {
  return {
    id: `sub_${randomUUID().slice(0, 12)}`,
    status: "active",
    customer: `cus_${randomUUID().slice(0, 12)}`,
    priceId: prices.STRIPE_PRICE_CREATOR,
    currentPeriodEnd: PERIOD_END,
    metadata: { [WORKSPACE_METADATA_KEY]: workspaceId },
    ...overrides,
  };
}

/** An event as Stripe delivers it: `object` is the snapshot at the time of the event, `created` its time. */
function subscriptionEvent(type: string, snapshot: FakeSubscription, created: number): Stripe.Event {
  return {
    id: `evt_${randomUUID()}`,
    object: "event",
    type,
    created,
    data: { object: subscriptionObject(snapshot) },
  } as unknown as Stripe.Event;
}

function invoiceEvent(type: string, subscription: FakeSubscription, created: number): Stripe.Event {
  return {
    id: `evt_${randomUUID()}`,
    object: "event",
    type,
    created,
    data: {
      object: {
        id: `in_${randomUUID().slice(0, 8)}`,
        object: "invoice",
        parent: { type: "subscription_details", subscription_details: { subscription: subscription.id, metadata: subscription.metadata } },
      },
    },
  } as unknown as Stripe.Event;
}

const deliver = (event: Stripe.Event, db = pg.db) => handleStripeEvent({ db, stripe, event, prices, now: NOW });

async function account(workspaceId: string) {
  const [row] = await pg.db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId));
  return row;
}

async function eventRow(id: string) {
  const rows = await pg.db.select().from(stripeEvents).where(eq(stripeEvents.id, id));
  return rows;
}

describe("Stripe webhook events against real Postgres", () => {
  it("applies an event delivered concurrently many times exactly once", async () => {
    const workspaceId = await newWorkspace();
    const subscription = fakeSubscription(workspaceId);
    api.setSubscription(subscription);
    const event = subscriptionEvent("customer.subscription.created", subscription, 1_000);

    // Each delivery on its own pool, hence its own connection and transaction, as separate Worker requests are.
    const handles = Array.from({ length: 8 }, () => pg.connect());
    let results: WebhookResult[];
    try {
      results = await Promise.all(handles.map((handle) => deliver(event, handle.db)));
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }

    expect(results.filter((r) => r.outcome === "processed")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(7);
    // The side effect (re-reading the subscription and writing the account) happened once.
    expect(api.retrievals(subscription.id)).toBe(1);
    const rows = await eventRow(event.id);
    expect(rows).toEqual([expect.objectContaining({ outcome: "processed", workspaceId, attempts: 1 })]);
    expect(await account(workspaceId)).toMatchObject({ plan: "creator", status: "active", stripeSubscriptionId: subscription.id });
  });

  it("answers a later duplicate delivery without touching anything", async () => {
    const workspaceId = await newWorkspace();
    const subscription = fakeSubscription(workspaceId);
    api.setSubscription(subscription);
    const event = subscriptionEvent("customer.subscription.created", subscription, 1_000);

    expect((await deliver(event)).outcome).toBe("processed");
    expect(await deliver(event)).toEqual({ outcome: "duplicate" });
    expect(api.retrievals(subscription.id)).toBe(1);
  });

  it("reaches Stripe's current state when updated arrives before created", async () => {
    const workspaceId = await newWorkspace();
    const created = fakeSubscription(workspaceId, { status: "incomplete" });
    const upgraded = { ...created, status: "active", priceId: prices.STRIPE_PRICE_PRO };
    api.setSubscription(upgraded);

    await deliver(subscriptionEvent("customer.subscription.updated", upgraded, 2_000));
    await deliver(subscriptionEvent("customer.subscription.created", created, 1_000));

    const row = await account(workspaceId);
    expect(row).toMatchObject({ plan: "pro", status: "active", updatedFromEventCreated: 2_000 });
    expect(effectivePlan(row, NOW)).toBe("pro");
  });

  it("stays canceled when deleted arrives before an older updated", async () => {
    const workspaceId = await newWorkspace();
    const active = fakeSubscription(workspaceId, { cancelAtPeriodEnd: true });
    const canceled = { ...active, status: "canceled" };
    api.setSubscription(canceled);

    await deliver(subscriptionEvent("customer.subscription.deleted", canceled, 3_000));
    await deliver(subscriptionEvent("customer.subscription.updated", active, 2_000));

    const row = await account(workspaceId);
    expect(row).toMatchObject({ status: "canceled", updatedFromEventCreated: 3_000 });
    expect(effectivePlan(row, NOW)).toBe("free");
  });

  it("converges when different events of one workspace are delivered at the same time", async () => {
    const workspaceId = await newWorkspace();
    const subscription = fakeSubscription(workspaceId, { priceId: prices.STRIPE_PRICE_PRO });
    api.setSubscription(subscription);
    const events = [
      subscriptionEvent("customer.subscription.created", { ...subscription, status: "incomplete" }, 1_000),
      subscriptionEvent("customer.subscription.updated", subscription, 1_001),
      invoiceEvent("invoice.paid", subscription, 1_002),
    ];
    const handles = events.map(() => pg.connect());
    try {
      const results = await Promise.all(events.map((event, i) => deliver(event, handles[i].db)));
      expect(results.map((r) => r.outcome)).toEqual(["processed", "processed", "processed"]);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
    expect(await account(workspaceId)).toMatchObject({ plan: "pro", status: "active", updatedFromEventCreated: 1_002 });
  });

  it("keeps the paid plan through a failed payment's grace period and clears it once paid", async () => {
    const workspaceId = await newWorkspace();
    const subscription = fakeSubscription(workspaceId, { status: "past_due" });
    api.setSubscription(subscription);

    await deliver(invoiceEvent("invoice.payment_failed", subscription, 1_000));
    const pastDue = await account(workspaceId);
    expect(pastDue).toMatchObject({ plan: "creator", status: "past_due", graceUntil: new Date("2026-11-08T12:00:00Z") });
    expect(effectivePlan(pastDue, NOW)).toBe("creator");
    expect(effectivePlan(pastDue, new Date("2026-11-09T00:00:00Z"))).toBe("free");

    api.setSubscription({ ...subscription, status: "active" });
    await deliver(invoiceEvent("invoice.paid", subscription, 1_100));
    expect(await account(workspaceId)).toMatchObject({ status: "active", graceUntil: null });
  });

  it("ignores objects Greenroom did not create, and records why", async () => {
    const workspaceId = await newWorkspace();
    const foreign = fakeSubscription(workspaceId, { metadata: {} });
    api.setSubscription(foreign);
    const event = subscriptionEvent("customer.subscription.created", foreign, 1_000);

    expect(await deliver(event)).toMatchObject({ outcome: "ignored" });
    expect(api.retrievals(foreign.id)).toBe(0);
    expect(await account(workspaceId)).toBeUndefined();
    expect(await eventRow(event.id)).toEqual([expect.objectContaining({ outcome: "ignored", detail: expect.stringContaining("not created by Greenroom") })]);
  });

  it("ignores an event whose snapshot names a workspace the live subscription does not", async () => {
    const workspaceId = await newWorkspace();
    const otherWorkspaceId = await newWorkspace();
    const live = fakeSubscription(otherWorkspaceId);
    api.setSubscription(live);
    const event = subscriptionEvent("customer.subscription.updated", { ...live, metadata: { [WORKSPACE_METADATA_KEY]: workspaceId } }, 1_000);

    expect(await deliver(event)).toMatchObject({ outcome: "ignored" });
    expect(await account(workspaceId)).toMatchObject({ plan: "free", status: "none" });
  });

  it("does not record event types outside the allow-list", async () => {
    const event = { id: `evt_${randomUUID()}`, type: "charge.refunded", created: 1, data: { object: {} } } as unknown as Stripe.Event;
    expect(await deliver(event)).toEqual({ outcome: "unhandled" });
    expect(await eventRow(event.id)).toEqual([]);
  });

  it("records a failure, changes nothing, and applies the event when Stripe retries", async () => {
    const workspaceId = await newWorkspace();
    const subscription = fakeSubscription(workspaceId);
    api.setSubscription(subscription);
    const event = subscriptionEvent("customer.subscription.created", subscription, 1_000);

    api.failNext(10);
    await expect(deliver(event)).rejects.toThrow();
    api.failNext(0);
    expect(await eventRow(event.id)).toEqual([expect.objectContaining({ outcome: "failed", detail: expect.any(String) })]);
    expect(await account(workspaceId)).toBeUndefined();

    expect((await deliver(event)).outcome).toBe("processed");
    expect(await eventRow(event.id)).toEqual([expect.objectContaining({ outcome: "processed", detail: expect.any(String), attempts: 2 })]);
    expect(await account(workspaceId)).toMatchObject({ plan: "creator", status: "active" });
  });

  it("fails (so Stripe retries) on a live subscription to a price no plan has", async () => {
    const workspaceId = await newWorkspace();
    const subscription = fakeSubscription(workspaceId, { priceId: "price_unknown" });
    api.setSubscription(subscription);
    const event = subscriptionEvent("customer.subscription.created", subscription, 1_000);

    await expect(deliver(event)).rejects.toThrow(/price_unknown/);
    const [{ total }] = await pg.db.select({ total: count() }).from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId));
    expect(total).toBe(0);
    expect(await eventRow(event.id)).toEqual([expect.objectContaining({ outcome: "failed" })]);
  });
});
