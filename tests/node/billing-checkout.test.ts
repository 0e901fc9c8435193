/**
 * Checkout, portal and invoices through the router, with the real Stripe SDK talking to the local stand-in
 * (tests/support/stripe-api.ts), which refuses requests missing what Stripe needs and records every request.
 */
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingAccounts } from "../../db/schema";
import { setPlanLocally } from "../../server/services/billing/accounts";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { startStripeApi, type StripeApiServer } from "../support/stripe-api";
import { callerFor, testConfig } from "../support/trpc";

let t: TestDatabase;
let stripeApi: StripeApiServer;
beforeAll(async () => {
  [t, stripeApi] = await Promise.all([createTestDatabase(), startStripeApi()]);
});
afterAll(async () => {
  await Promise.all([t.close(), stripeApi.close()]);
});

const stripeEnv = () => ({
  STRIPE_SECRET_KEY: "sk_test_checkout",
  STRIPE_WEBHOOK_SECRET: "whsec_checkout",
  STRIPE_PRICE_CREATOR: "price_creator_test",
  STRIPE_PRICE_PRO: "price_pro_test",
  STRIPE_API_URL: stripeApi.url,
});

async function codeOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return { code: (error as TRPCError).code, message: (error as TRPCError).message };
}

const customerOf = async (workspaceId: string) =>
  (await t.db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId)))[0]
    ?.stripeCustomerId ?? null;

describe("billing.createCheckoutSession", () => {
  it("creates the workspace's customer once and a subscription checkout carrying the workspace id", async () => {
    const team = await createTeam(t.db);
    const workspaceId = team.workspace.id;
    const api = callerFor(t.db, team.owner, { env: stripeEnv() }).api;
    const before = stripeApi.requests.length;

    const first = await api.billing.createCheckoutSession({ workspaceId, plan: "pro" });
    expect(first.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_/);
    const customer = await customerOf(workspaceId);
    expect(customer).toMatch(/^cus_/);

    const [createCustomer, createSession] = stripeApi.requests.slice(before);
    expect(createCustomer).toMatchObject({
      method: "POST",
      path: "/v1/customers",
      fields: { "metadata[greenroom_workspace_id]": workspaceId },
    });
    const back = `${testConfig.appUrl}/w/${workspaceId}/billing`;
    expect(createSession).toMatchObject({
      method: "POST",
      path: "/v1/checkout/sessions",
      fields: {
        mode: "subscription",
        customer,
        "line_items[0][price]": "price_pro_test",
        "line_items[0][quantity]": "1",
        "metadata[greenroom_workspace_id]": workspaceId,
        "subscription_data[metadata][greenroom_workspace_id]": workspaceId,
        success_url: `${back}?checkout=success`,
        cancel_url: `${back}?checkout=canceled`,
      },
    });

    // A second attempt (the owner came back from Checkout without paying) reuses the customer.
    const again = stripeApi.requests.length;
    await callerFor(t.db, team.admin, { env: stripeEnv() }).api.billing.createCheckoutSession({
      workspaceId,
      plan: "creator",
    });
    const retried = stripeApi.requests.slice(again);
    expect(retried.map((r) => r.path)).toEqual(["/v1/checkout/sessions"]);
    expect(retried[0].fields).toMatchObject({ customer, "line_items[0][price]": "price_creator_test" });
  });

  it("says billing is not configured offline, without calling Stripe", async () => {
    const team = await createTeam(t.db);
    const before = stripeApi.requests.length;
    const error = await codeOf(
      callerFor(t.db, team.owner).api.billing.createCheckoutSession({
        workspaceId: team.workspace.id,
        plan: "creator",
      }),
    );
    expect(error).toEqual({ code: "PRECONDITION_FAILED", message: "Billing is not configured." });
    expect(stripeApi.requests.length).toBe(before);
  });

  it("refuses a plan whose price is not configured, and a workspace that already subscribes", async () => {
    const team = await createTeam(t.db);
    const workspaceId = team.workspace.id;
    const noPro = { ...stripeEnv(), STRIPE_PRICE_PRO: undefined };
    const unpriced = await codeOf(
      callerFor(t.db, team.owner, { env: noPro }).api.billing.createCheckoutSession({ workspaceId, plan: "pro" }),
    );
    expect(unpriced).toEqual({ code: "PRECONDITION_FAILED", message: "The Pro plan has no Stripe price configured." });

    await setPlanLocally({ db: t.db, workspaceId, plan: "creator", environment: "test", now: new Date() });
    const subscribed = await codeOf(
      callerFor(t.db, team.owner, { env: stripeEnv() }).api.billing.createCheckoutSession({ workspaceId, plan: "pro" }),
    );
    expect(subscribed.code).toBe("PRECONDITION_FAILED");
    expect(subscribed.message).toMatch(/already has a subscription/);
  });

  it("is for owners and admins only", async () => {
    const team = await createTeam(t.db);
    const error = await codeOf(
      callerFor(t.db, team.editor, { env: stripeEnv() }).api.billing.createCheckoutSession({
        workspaceId: team.workspace.id,
        plan: "creator",
      }),
    );
    expect(error.code).toBe("FORBIDDEN");
  });
});

describe("billing.createPortalSession", () => {
  it("opens the portal for the workspace's customer, returning to the billing page", async () => {
    const team = await createTeam(t.db);
    const workspaceId = team.workspace.id;
    const api = callerFor(t.db, team.owner, { env: stripeEnv() }).api;
    expect((await codeOf(api.billing.createPortalSession({ workspaceId }))).message).toMatch(/no billing account yet/);

    await api.billing.createCheckoutSession({ workspaceId, plan: "creator" });
    const before = stripeApi.requests.length;
    const { url } = await api.billing.createPortalSession({ workspaceId });
    expect(url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_/);
    expect(stripeApi.requests.slice(before)).toEqual([
      {
        method: "POST",
        path: "/v1/billing_portal/sessions",
        fields: {
          customer: await customerOf(workspaceId),
          return_url: `${testConfig.appUrl}/w/${workspaceId}/billing`,
        },
      },
    ]);
  });

  it("says billing is not configured offline", async () => {
    const team = await createTeam(t.db);
    const error = await codeOf(
      callerFor(t.db, team.admin).api.billing.createPortalSession({ workspaceId: team.workspace.id }),
    );
    expect(error).toEqual({ code: "PRECONDITION_FAILED", message: "Billing is not configured." });
  });
});

describe("billing.listInvoices", () => {
  it("lists the customer's invoices with amounts, status and links", async () => {
    const team = await createTeam(t.db);
    const workspaceId = team.workspace.id;
    const api = callerFor(t.db, team.owner, { env: stripeEnv() }).api;
    expect((await api.billing.listInvoices({ workspaceId })).items).toEqual([]);

    await api.billing.createCheckoutSession({ workspaceId, plan: "pro" });
    const customer = (await customerOf(workspaceId)) ?? "";
    stripeApi.setInvoices(customer, [
      { id: "in_local_2", number: "GR-0002", status: "open", amountDue: 4900, amountPaid: 0, created: 1_764_547_200 },
      {
        id: "in_local_1",
        number: "GR-0001",
        status: "paid",
        amountDue: 4900,
        amountPaid: 4900,
        created: 1_761_955_200,
      },
    ]);
    const before = stripeApi.requests.length;
    const { items } = await api.billing.listInvoices({ workspaceId, limit: 10 });
    expect(stripeApi.requests.slice(before)).toEqual([
      { method: "GET", path: "/v1/invoices", fields: { customer, limit: "10" } },
    ]);
    expect(items).toEqual([
      {
        id: "in_local_2",
        number: "GR-0002",
        status: "open",
        currency: "usd",
        amountDueCents: 4900,
        amountPaidCents: 0,
        created: new Date(1_764_547_200_000),
        hostedInvoiceUrl: "https://invoice.stripe.test/i/in_local_2",
        invoicePdfUrl: "https://invoice.stripe.test/i/in_local_2/pdf",
      },
      expect.objectContaining({ id: "in_local_1", status: "paid", amountPaidCents: 4900 }),
    ]);
  });

  it("is empty offline", async () => {
    const team = await createTeam(t.db);
    expect(
      (await callerFor(t.db, team.owner).api.billing.listInvoices({ workspaceId: team.workspace.id })).items,
    ).toEqual([]);
  });
});
