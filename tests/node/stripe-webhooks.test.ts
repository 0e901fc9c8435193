/**
 * The webhook service against a real Postgres server (concurrent deliveries need parallel transactions, which
 * PGlite cannot run; ADR 003) and the real Stripe SDK talking to a local stand-in of Stripe's API.
 */
import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, billingAccounts, emails, notifications, shows, stripeEvents, workspaces } from "../../db/schema";
import { effectivePlan } from "../../server/services/billing/accounts";
import { createStripeClient } from "../../server/services/billing/stripe-client";
import { handleStripeEvent, WORKSPACE_METADATA_KEY, type WebhookResult } from "../../server/services/billing/webhooks";
import { addMember, createUser, createWorkspace } from "../support/factories";
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
  stripe = await createStripeClient({ secretKey: "sk_test_local", apiUrl: api.url });
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

function checkoutCompletedEvent(subscription: FakeSubscription, created: number): Stripe.Event {
  return {
    id: `evt_${randomUUID()}`,
    object: "event",
    type: "checkout.session.completed",
    created,
    data: {
      object: {
        id: `cs_${randomUUID().slice(0, 8)}`,
        object: "checkout.session",
        subscription: subscription.id,
        metadata: subscription.metadata,
      },
    },
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
        parent: {
          type: "subscription_details",
          subscription_details: { subscription: subscription.id, metadata: subscription.metadata },
        },
      },
    },
  } as unknown as Stripe.Event;
}

const APP_URL = "http://localhost:8787";
const deliver = (event: Stripe.Event, db = pg.db, now = NOW) =>
  handleStripeEvent({ db, stripe, event, prices, appUrl: APP_URL, now });

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
    expect(await account(workspaceId)).toMatchObject({
      plan: "creator",
      status: "active",
      stripeSubscriptionId: subscription.id,
    });
    // One audit row for the change, written with it; Stripe, not a member, is the actor.
    const audits = await pg.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.action, "billing.subscription_changed")));
    expect(audits).toEqual([
      expect.objectContaining({
        actorUserId: null,
        userAgent: "Stripe webhook",
        detail: expect.objectContaining({ plan: "creator", status: "active", eventId: event.id }),
      }),
    ]);
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
    expect(pastDue).toMatchObject({
      plan: "creator",
      status: "past_due",
      graceUntil: new Date("2026-11-08T12:00:00Z"),
    });
    expect(effectivePlan(pastDue, NOW)).toBe("creator");
    expect(effectivePlan(pastDue, new Date("2026-11-09T00:00:00Z"))).toBe("free");

    api.setSubscription({ ...subscription, status: "active" });
    await deliver(invoiceEvent("invoice.paid", subscription, 1_100));
    expect(await account(workspaceId)).toMatchObject({ status: "active", graceUntil: null });
  });

  it("falls back to the other live subscription when two checkouts both completed and the one on record ends", async () => {
    const workspaceId = await newWorkspace();
    const first = fakeSubscription(workspaceId);
    const second = fakeSubscription(workspaceId, { customer: first.customer, priceId: prices.STRIPE_PRICE_PRO });
    api.setSubscription(first);
    api.setSubscription(second);
    await deliver(subscriptionEvent("customer.subscription.created", first, 1_000));
    await deliver(subscriptionEvent("customer.subscription.created", second, 1_001));
    expect(await account(workspaceId)).toMatchObject({
      stripeSubscriptionId: second.id,
      plan: "pro",
      status: "active",
    });

    // The customer cancels the one on record; the other still charges, so the workspace keeps its plan.
    api.setSubscription({ ...second, status: "canceled" });
    await deliver(subscriptionEvent("customer.subscription.deleted", { ...second, status: "canceled" }, 2_000));
    expect(await account(workspaceId)).toMatchObject({
      stripeSubscriptionId: first.id,
      plan: "creator",
      status: "active",
    });

    // When the last one ends too, the workspace is on Free.
    api.setSubscription({ ...first, status: "canceled" });
    await deliver(subscriptionEvent("customer.subscription.deleted", { ...first, status: "canceled" }, 3_000));
    const row = await account(workspaceId);
    expect(row).toMatchObject({ stripeSubscriptionId: first.id, status: "canceled" });
    expect(effectivePlan(row, NOW)).toBe("free");
  });

  it("ignores objects Greenroom did not create, and records why", async () => {
    const workspaceId = await newWorkspace();
    const foreign = fakeSubscription(workspaceId, { metadata: {} });
    api.setSubscription(foreign);
    const event = subscriptionEvent("customer.subscription.created", foreign, 1_000);

    expect(await deliver(event)).toMatchObject({ outcome: "ignored" });
    expect(api.retrievals(foreign.id)).toBe(0);
    expect(await account(workspaceId)).toBeUndefined();
    expect(await eventRow(event.id)).toEqual([
      expect.objectContaining({ outcome: "ignored", detail: expect.stringContaining("not created by Greenroom") }),
    ]);
  });

  it("ignores an event whose snapshot names a workspace the live subscription does not", async () => {
    const workspaceId = await newWorkspace();
    const otherWorkspaceId = await newWorkspace();
    const live = fakeSubscription(otherWorkspaceId);
    api.setSubscription(live);
    const event = subscriptionEvent(
      "customer.subscription.updated",
      { ...live, metadata: { [WORKSPACE_METADATA_KEY]: workspaceId } },
      1_000,
    );

    expect(await deliver(event)).toMatchObject({ outcome: "ignored" });
    expect(await account(workspaceId)).toMatchObject({ plan: "free", status: "none" });
  });

  it("does not record event types outside the allow-list", async () => {
    const event = {
      id: `evt_${randomUUID()}`,
      type: "charge.refunded",
      created: 1,
      data: { object: {} },
    } as unknown as Stripe.Event;
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
    expect(await eventRow(event.id)).toEqual([
      expect.objectContaining({ outcome: "failed", detail: expect.any(String) }),
    ]);
    expect(await account(workspaceId)).toBeUndefined();

    expect((await deliver(event)).outcome).toBe("processed");
    expect(await eventRow(event.id)).toEqual([
      expect.objectContaining({ outcome: "processed", detail: expect.any(String), attempts: 2 }),
    ]);
    expect(await account(workspaceId)).toMatchObject({ plan: "creator", status: "active" });
  });

  it("fails (so Stripe retries) on a live subscription to a price no plan has", async () => {
    const workspaceId = await newWorkspace();
    const subscription = fakeSubscription(workspaceId, { priceId: "price_unknown" });
    api.setSubscription(subscription);
    const event = subscriptionEvent("customer.subscription.created", subscription, 1_000);

    await expect(deliver(event)).rejects.toThrow(/price_unknown/);
    const [{ total }] = await pg.db
      .select({ total: count() })
      .from(billingAccounts)
      .where(eq(billingAccounts.workspaceId, workspaceId));
    expect(total).toBe(0);
    expect(await eventRow(event.id)).toEqual([expect.objectContaining({ outcome: "failed" })]);
  });
});

/** A workspace with an owner and an admin, as a real subscriber has. */
async function staffedWorkspace() {
  const owner = await createUser(pg.db, { name: "Olive Owner" });
  const admin = await createUser(pg.db, { name: "Adam Admin" });
  const workspace = await createWorkspace(pg.db, owner, "Night Shift Audio");
  await addMember(pg.db, workspace.id, admin, "admin");
  return { workspaceId: workspace.id, owner, admin };
}

const rowsFor = async (workspaceId: string) => ({
  shows: await pg.db.select().from(shows).where(eq(shows.workspaceId, workspaceId)),
  notifications: await pg.db.select().from(notifications).where(eq(notifications.workspaceId, workspaceId)),
});
const emailsTo = (to: string) => pg.db.select().from(emails).where(eq(emails.to, to));

/** Concurrent deliveries, each on its own connection like separate Worker requests. */
async function deliverConcurrently(events: Stripe.Event[]): Promise<WebhookResult[]> {
  const handles = events.map(() => pg.connect());
  try {
    return await Promise.all(events.map((event, i) => deliver(event, handles[i].db)));
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

describe("auto-provisioning on the first paid checkout (real Postgres)", () => {
  it("provisions once when checkout.session.completed arrives twice and concurrently with subscription.created", async () => {
    const { workspaceId, owner, admin } = await staffedWorkspace();
    const subscription = fakeSubscription(workspaceId);
    api.setSubscription(subscription);
    const completed = checkoutCompletedEvent(subscription, 1_000);
    const events = [
      completed,
      completed,
      completed,
      subscriptionEvent("customer.subscription.created", subscription, 999),
      completed,
    ];

    const results = await deliverConcurrently(events);

    const emailIds = results.flatMap((r) => ("emailIds" in r ? r.emailIds : []));
    expect(emailIds).toHaveLength(1);
    const { shows: created, notifications: notes } = await rowsFor(workspaceId);
    expect(created.map((s) => s.title)).toEqual(["Night Shift Audio"]);
    expect(notes).toEqual([
      expect.objectContaining({ userId: owner.id, kind: "billing.welcome", title: "Welcome to Greenroom Creator" }),
    ]);
    const welcome = await emailsTo(owner.email);
    expect(welcome).toHaveLength(1);
    expect(welcome[0]).toMatchObject({ id: emailIds[0], subject: "Welcome to Greenroom Creator" });
    expect(welcome[0].text).toContain("600 transcription minutes");
    expect(await emailsTo(admin.email)).toEqual([]);
    const row = await account(workspaceId);
    expect(row).toMatchObject({ plan: "creator", status: "active", provisionedAt: NOW });
  });

  it("keeps an existing show and does not provision again on a plan change", async () => {
    const { workspaceId, owner } = await staffedWorkspace();
    await pg.db.insert(shows).values({ workspaceId, title: "Already here" });
    const subscription = fakeSubscription(workspaceId);
    api.setSubscription(subscription);
    await deliver(checkoutCompletedEvent(subscription, 1_000));

    api.setSubscription({ ...subscription, priceId: prices.STRIPE_PRICE_PRO });
    await deliver(
      subscriptionEvent("customer.subscription.updated", { ...subscription, priceId: prices.STRIPE_PRICE_PRO }, 2_000),
    );

    expect((await rowsFor(workspaceId)).shows.map((s) => s.title)).toEqual(["Already here"]);
    expect(await emailsTo(owner.email)).toHaveLength(1);
    expect(await account(workspaceId)).toMatchObject({ plan: "pro", provisionedAt: NOW });
  });

  it("does not provision a checkout whose subscription is not paid yet", async () => {
    const { workspaceId, owner } = await staffedWorkspace();
    const subscription = fakeSubscription(workspaceId, { status: "incomplete" });
    api.setSubscription(subscription);
    await deliver(checkoutCompletedEvent(subscription, 1_000));
    expect(await account(workspaceId)).toMatchObject({ status: "incomplete", provisionedAt: null });
    expect((await rowsFor(workspaceId)).shows).toEqual([]);
    expect(await emailsTo(owner.email)).toEqual([]);
  });
});

describe("dunning (real Postgres)", () => {
  it("emails the owner once per past_due episode, however many events say so", async () => {
    const { workspaceId, owner, admin } = await staffedWorkspace();
    const subscription = fakeSubscription(workspaceId);
    api.setSubscription(subscription);
    await deliver(checkoutCompletedEvent(subscription, 1_000));

    api.setSubscription({ ...subscription, status: "past_due" });
    const failed = invoiceEvent("invoice.payment_failed", subscription, 2_000);
    await deliverConcurrently([
      failed,
      subscriptionEvent("customer.subscription.updated", { ...subscription, status: "past_due" }, 2_001),
      failed,
    ]);
    await deliver(invoiceEvent("invoice.payment_failed", subscription, 2_500));

    const dunning = (await emailsTo(owner.email)).filter((e) => e.subject.startsWith("Payment failed"));
    expect(dunning).toHaveLength(1);
    expect(dunning[0].text).toContain("2026-11-08");
    expect(dunning[0].text).toContain("nothing is deleted");
    expect(await emailsTo(admin.email)).toEqual([]);
    expect(await account(workspaceId)).toMatchObject({ status: "past_due", dunningNotifiedAt: NOW });

    // Paid again: the episode ends. A later failure is a new episode and a new email.
    api.setSubscription(subscription);
    await deliver(invoiceEvent("invoice.paid", subscription, 3_000));
    expect(await account(workspaceId)).toMatchObject({ status: "active", dunningNotifiedAt: null, graceUntil: null });
    const later = new Date("2026-12-05T00:00:00Z");
    api.setSubscription({ ...subscription, status: "past_due" });
    await deliver(invoiceEvent("invoice.payment_failed", subscription, 4_000), pg.db, later);
    expect((await emailsTo(owner.email)).filter((e) => e.subject.startsWith("Payment failed"))).toHaveLength(2);
  });

  it("falls back to Free after the grace period without deleting anything, and re-activation restores the plan", async () => {
    const { workspaceId } = await staffedWorkspace();
    const subscription = fakeSubscription(workspaceId, { priceId: prices.STRIPE_PRICE_PRO });
    api.setSubscription(subscription);
    await deliver(checkoutCompletedEvent(subscription, 1_000));
    api.setSubscription({ ...subscription, status: "past_due" });
    await deliver(invoiceEvent("invoice.payment_failed", subscription, 2_000));

    const afterGrace = new Date("2026-11-09T00:00:00Z");
    const lapsed = await account(workspaceId);
    expect(effectivePlan(lapsed, NOW)).toBe("pro");
    expect(effectivePlan(lapsed, afterGrace)).toBe("free");
    expect(lapsed).toMatchObject({ plan: "pro", status: "past_due" });
    expect((await rowsFor(workspaceId)).shows).toHaveLength(1);

    api.setSubscription(subscription);
    await deliver(invoiceEvent("invoice.paid", subscription, 3_000), pg.db, afterGrace);
    expect(effectivePlan(await account(workspaceId), afterGrace)).toBe("pro");
    expect((await rowsFor(workspaceId)).shows).toHaveLength(1);
  });
});
