import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { eq } from "drizzle-orm";
import { billingAccounts, stripeEvents } from "../../../db/schema";
import { getPlan } from "../../../server/services/billing/plans";
import { setPlanLocally } from "../../../server/services/billing/accounts";
import { startStripeApi, type StripeApiServer } from "../../support/stripe-api";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** Tenant A is on Pro and has one recorded Stripe event; returns its id. */
async function billedTenantA({ db, a }: Tenants) {
  const id = `evt_${randomUUID()}`;
  await setPlanLocally({ db, workspaceId: a.workspace.id, plan: "pro", environment: "test", now: new Date() });
  await db
    .insert(stripeEvents)
    .values({ id, type: "invoice.paid", created: 1, outcome: "processed", workspaceId: a.workspace.id });
  return id;
}

/** Runs `fn` with a local Stripe stand-in and the env that points the real SDK at it. */
async function withStripe<T>(
  fn: (stripe: { api: StripeApiServer; env: Record<string, string> }) => Promise<T>,
): Promise<T> {
  const api = await startStripeApi();
  const env = {
    STRIPE_SECRET_KEY: "sk_test_tenancy",
    STRIPE_WEBHOOK_SECRET: "whsec_tenancy",
    STRIPE_PRICE_CREATOR: "price_creator_tenancy",
    STRIPE_PRICE_PRO: "price_pro_tenancy",
    STRIPE_API_URL: api.url,
  };
  try {
    return await fn({ api, env });
  } finally {
    await api.close();
  }
}

/** Tenant A's admin starts a checkout, which gives A a Stripe customer; returns that customer's id. */
async function checkoutTenantA(x: Tenants, env: Record<string, string>) {
  await x.api(x.a.admin, { env }).billing.createCheckoutSession({
    workspaceId: x.a.workspace.id,
    plan: "creator",
  });
  const [account] = await x.db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, x.a.workspace.id));
  return account.stripeCustomerId ?? "";
}

export const cases: Record<string, TenancyCase> = {
  "billing.getOverview": {
    async allow(x) {
      await billedTenantA(x);
      const overview = await x.api(x.a.viewer).billing.getOverview({ workspaceId: x.a.workspace.id });
      expect(overview.plan.id).toBe("pro");
    },
    async foreign(x) {
      await billedTenantA(x);
      await expectNotFound(x.api(x.outsider).billing.getOverview({ workspaceId: x.a.workspace.id }));
      expect((await x.api(x.outsider).billing.getOverview({ workspaceId: x.b.id })).plan.id).toBe("free");
    },
  },
  "billing.listEvents": {
    async allow(x) {
      const id = await billedTenantA(x);
      const { items } = await x.api(x.a.admin).billing.listEvents({ workspaceId: x.a.workspace.id });
      expect(items.map((e) => e.id)).toEqual([id]);
    },
    async foreign(x) {
      await billedTenantA(x);
      await expectNotFound(x.api(x.outsider).billing.listEvents({ workspaceId: x.a.workspace.id }));
      expect((await x.api(x.outsider).billing.listEvents({ workspaceId: x.b.id })).items).toEqual([]);
    },
  },
  "billing.createCheckoutSession": {
    allow: (x) =>
      withStripe(async ({ env }) => {
        const { url } = await x.api(x.a.owner, { env }).billing.createCheckoutSession({
          workspaceId: x.a.workspace.id,
          plan: "pro",
        });
        expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
      }),
    foreign: (x) =>
      withStripe(async ({ api, env }) => {
        const customerA = await checkoutTenantA(x, env);
        const outsider = x.api(x.outsider, { env });
        await expectNotFound(outsider.billing.createCheckoutSession({ workspaceId: x.a.workspace.id, plan: "pro" }));
        // The outsider's own checkout gets its own customer, never tenant A's.
        const before = api.requests.length;
        await outsider.billing.createCheckoutSession({ workspaceId: x.b.id, plan: "pro" });
        const [customerCall, sessionCall] = api.requests.slice(before);
        expect(customerCall.fields["metadata[greenroom_workspace_id]"]).toBe(x.b.id);
        expect(sessionCall.fields.customer).not.toBe(customerA);
      }),
  },
  "billing.createPortalSession": {
    allow: (x) =>
      withStripe(async ({ env }) => {
        await checkoutTenantA(x, env);
        const { url } = await x.api(x.a.owner, { env }).billing.createPortalSession({
          workspaceId: x.a.workspace.id,
        });
        expect(url).toMatch(/^https:\/\/billing\.stripe\.test\//);
      }),
    foreign: (x) =>
      withStripe(async ({ env }) => {
        await checkoutTenantA(x, env);
        const outsider = x.api(x.outsider, { env });
        await expectNotFound(outsider.billing.createPortalSession({ workspaceId: x.a.workspace.id }));
        // Tenant A's customer does not leak into the outsider's workspace, which has none.
        await expect(outsider.billing.createPortalSession({ workspaceId: x.b.id })).rejects.toMatchObject({
          code: "PRECONDITION_FAILED",
        });
      }),
  },
  "billing.listInvoices": {
    allow: (x) =>
      withStripe(async ({ api, env }) => {
        const customer = await checkoutTenantA(x, env);
        api.setInvoices(customer, [
          { id: "in_tenant_a", number: "A-1", status: "paid", amountDue: 1500, amountPaid: 1500, created: 1 },
        ]);
        const { items } = await x.api(x.a.admin, { env }).billing.listInvoices({
          workspaceId: x.a.workspace.id,
        });
        expect(items.map((i) => i.id)).toEqual(["in_tenant_a"]);
      }),
    foreign: (x) =>
      withStripe(async ({ api, env }) => {
        const customer = await checkoutTenantA(x, env);
        api.setInvoices(customer, [
          { id: "in_tenant_a", number: "A-1", status: "paid", amountDue: 1500, amountPaid: 1500, created: 1 },
        ]);
        const outsider = x.api(x.outsider, { env });
        await expectNotFound(outsider.billing.listInvoices({ workspaceId: x.a.workspace.id }));
        expect((await outsider.billing.listInvoices({ workspaceId: x.b.id })).items).toEqual([]);
      }),
  },
  "billing.getUsage": {
    async allow(x) {
      const usage = await x.api(x.a.viewer).billing.getUsage({ workspaceId: x.a.workspace.id });
      expect(usage.seats).toEqual({ used: 4, limit: getPlan("free").limits.seats, unit: "seats" });
    },
    async foreign(x) {
      await expectNotFound(x.api(x.outsider).billing.getUsage({ workspaceId: x.a.workspace.id }));
      expect((await x.api(x.outsider).billing.getUsage({ workspaceId: x.b.id })).seats.used).toBe(2);
    },
  },
};
