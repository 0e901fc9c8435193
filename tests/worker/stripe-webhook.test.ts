import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { billingAccounts, stripeEvents } from "../../db/schema";
import { WORKSPACE_METADATA_KEY } from "../../server/services/billing/webhooks";
import { subscriptionObject, type FakeSubscription } from "../support/stripe-api";
import { send, signUpOverHttp } from "./http";

const WEBHOOK_SECRET = "whsec_test_greenroom";
const bindings = {
  ...env,
  STRIPE_SECRET_KEY: "sk_test_greenroom",
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_PRICE_CREATOR: "price_creator_worker",
  STRIPE_PRICE_PRO: "price_pro_worker",
};
const cryptoProvider = Stripe.createSubtleCryptoProvider();
const { db, close } = createDb({ databaseUrl: env.DATABASE_URL, localProxy: env.LOCAL_DB_PROXY });

afterAll(() => close());

/**
 * A subscription without Greenroom's metadata: a real, handled event type that needs no call to Stripe's API,
 * so the verified path runs to the end (recorded as ignored).
 */
function eventBody(overrides: { id?: string; type?: string } = {}) {
  return JSON.stringify({
    id: overrides.id ?? `evt_${crypto.randomUUID()}`,
    object: "event",
    type: overrides.type ?? "customer.subscription.updated",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: "sub_foreign", object: "subscription", metadata: {}, status: "active" } },
  });
}

const sign = (payload: string, opts: { secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: opts.secret ?? WEBHOOK_SECRET,
    timestamp: opts.timestamp,
    cryptoProvider,
  });

const post = (body: string, signature: string | null, withBindings: typeof env = bindings) =>
  send(
    "/api/webhooks/stripe",
    {
      method: "POST",
      headers: { "content-type": "application/json", ...(signature && { "stripe-signature": signature }) },
      body,
    },
    withBindings,
  );

const rowsFor = (body: string) =>
  db
    .select()
    .from(stripeEvents)
    .where(eq(stripeEvents.id, JSON.parse(body).id as string));

describe("POST /api/webhooks/stripe", () => {
  it("accepts a correctly signed event and records it", async () => {
    const body = eventBody();
    const response = await post(body, await sign(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "ignored" });
    expect(await rowsFor(body)).toEqual([
      expect.objectContaining({ type: "customer.subscription.updated", outcome: "ignored" }),
    ]);
  });

  it("refuses a tampered body with 400 and writes nothing", async () => {
    const body = eventBody();
    const signature = await sign(body);
    const tampered = body.replace('"status":"active"', '"status":"canceled"');
    expect(tampered).not.toBe(body);
    const response = await post(tampered, signature);
    expect(response.status).toBe(400);
    expect(await rowsFor(body)).toEqual([]);
  });

  it("refuses a signature older than the default tolerance with 400 and writes nothing", async () => {
    const body = eventBody();
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const response = await post(body, await sign(body, { timestamp: tenMinutesAgo }));
    expect(response.status).toBe(400);
    expect(await rowsFor(body)).toEqual([]);
  });

  it("refuses a signature made with another secret, or none, with 400 and writes nothing", async () => {
    const body = eventBody();
    expect((await post(body, await sign(body, { secret: "whsec_someone_else" }))).status).toBe(400);
    expect((await post(body, null)).status).toBe(400);
    expect(await rowsFor(body)).toEqual([]);
  });

  it("answers a duplicate delivery as a duplicate, with one recorded event", async () => {
    const body = eventBody();
    const first = await post(body, await sign(body));
    const second = await post(body, await sign(body));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toMatchObject({ outcome: "ignored" });
    expect(await second.json()).toMatchObject({ outcome: "duplicate" });
    expect(await rowsFor(body)).toHaveLength(1);
  });

  it("acknowledges event types outside the allow-list without recording them", async () => {
    const body = eventBody({ type: "charge.refunded" });
    const response = await post(body, await sign(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: "unhandled" });
    expect(await rowsFor(body)).toEqual([]);
  });

  it("answers 404 when billing is not configured", async () => {
    const body = eventBody();
    const response = await post(body, await sign(body), {
      ...env,
      STRIPE_SECRET_KEY: undefined,
      STRIPE_WEBHOOK_SECRET: undefined,
    });
    expect(response.status).toBe(404);
    expect(await rowsFor(body)).toEqual([]);
  });

  it("applies a Greenroom subscription end to end: SDK re-read over fetch, row written, shown on the billing page", async () => {
    const owner = await signUpOverHttp();
    const subscription: FakeSubscription = {
      id: `sub_${crypto.randomUUID().slice(0, 12)}`,
      status: "active",
      customer: `cus_${crypto.randomUUID().slice(0, 12)}`,
      priceId: "price_pro_worker",
      currentPeriodEnd: Math.floor(Date.now() / 1000) + 30 * 86_400,
      metadata: { [WORKSPACE_METADATA_KEY]: owner.workspaceId },
    };
    // Stripe's current state, held by the local API stand-in (global setup) that STRIPE_API_URL points at.
    const stored = await fetch(`${env.STRIPE_API_URL}/__test/subscriptions/${subscription.id}`, {
      method: "PUT",
      body: JSON.stringify(subscription),
    });
    expect(stored.status).toBe(200);

    const body = JSON.stringify({
      id: `evt_${crypto.randomUUID()}`,
      object: "event",
      type: "customer.subscription.created",
      created: Math.floor(Date.now() / 1000),
      data: { object: subscriptionObject({ ...subscription, status: "incomplete" }) },
    });
    const response = await post(body, await sign(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: "processed" });

    const [account] = await db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, owner.workspaceId));
    expect(account).toMatchObject({ plan: "pro", status: "active", stripeSubscriptionId: subscription.id });
    const page = await send(`/w/${owner.workspaceId}/billing`, { headers: { cookie: owner.cookie } }, bindings);
    const html = await page.text();
    expect(html).toMatch(/on the <strong>Pro<\/strong> plan/);
    expect(html).toContain(JSON.parse(body).id);
  });
});
