import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { connectedAccounts, sandboxPayments, sandboxSubscriptions } from "../../../db/schema";
import { createUser } from "../../support/factories";
import { connectEnv, createPaidTier } from "../../support/payments";
import { startStripeApi, type StripeApiServer } from "../../support/stripe-api";
import { callerFor } from "../../support/trpc";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** A supporter of tenant A subscribed through the sandbox: its subscription and first payment. */
async function sandboxSupporterOfA({ db, a }: Tenants) {
  const tier = await createPaidTier(db, a.workspace.id);
  const buyer = callerFor(db, await createUser(db)).api;
  const checkout = await buyer.payments.createTierCheckout({
    workspaceId: a.workspace.id,
    tierId: tier.id,
    interval: "month",
  });
  await buyer.payments.sandboxConfirmCheckout({ checkoutId: checkout.url.split("/").at(-1) ?? "" });
  const [subscription] = await db
    .select()
    .from(sandboxSubscriptions)
    .where(eq(sandboxSubscriptions.workspaceId, a.workspace.id));
  const [payment] = await db.select().from(sandboxPayments).where(eq(sandboxPayments.subscriptionId, subscription.id));
  return { tier, subscription, payment };
}

export const cases: Record<string, TenancyCase> = {
  "payments.getOverview": {
    async allow(x) {
      const { subscription, payment } = await sandboxSupporterOfA(x);
      const overview = await x.api(x.a.admin).payments.getOverview({ workspaceId: x.a.workspace.id });
      expect(overview.mode).toBe("sandbox");
      expect(overview.sandbox?.subscriptions.map((s) => s.id)).toEqual([subscription.id]);
      expect(overview.sandbox?.payments.map((p) => p.id)).toEqual([payment.id]);
    },
    async foreign(x) {
      await sandboxSupporterOfA(x);
      await expectNotFound(x.api(x.outsider).payments.getOverview({ workspaceId: x.a.workspace.id }));
      const own = await x.api(x.outsider).payments.getOverview({ workspaceId: x.b.id });
      expect(own.sandbox).toEqual({ subscriptions: [], payments: [] });
    },
  },
  "payments.refundPayment": {
    async allow(x) {
      const { payment } = await sandboxSupporterOfA(x);
      const result = await x
        .api(x.a.owner)
        .payments.refundPayment({ workspaceId: x.a.workspace.id, paymentId: payment.id, amountCents: 100 });
      expect(result.amountRefundedCents).toBe(100);
    },
    async foreign(x) {
      const { payment } = await sandboxSupporterOfA(x);
      await expectNotFound(
        x.api(x.outsider).payments.refundPayment({ workspaceId: x.a.workspace.id, paymentId: payment.id }),
      );
      // Tenant A's payment through the outsider's own workspace is not found, and stays unrefunded.
      await expectNotFound(x.api(x.outsider).payments.refundPayment({ workspaceId: x.b.id, paymentId: payment.id }));
      const [row] = await x.db.select().from(sandboxPayments).where(eq(sandboxPayments.id, payment.id));
      expect(row.refundedCents).toBe(0);
    },
  },
  "payments.sandboxControlSubscription": {
    async allow(x) {
      const { subscription } = await sandboxSupporterOfA(x);
      const result = await x.api(x.a.admin).payments.sandboxControlSubscription({
        workspaceId: x.a.workspace.id,
        subscriptionId: subscription.id,
        control: "cancel_at_period_end",
      });
      expect(result).toEqual({ status: "active", cancelAtPeriodEnd: true });
    },
    async foreign(x) {
      const { subscription } = await sandboxSupporterOfA(x);
      for (const workspaceId of [x.a.workspace.id, x.b.id]) {
        await expectNotFound(
          x.api(x.outsider).payments.sandboxControlSubscription({
            workspaceId,
            subscriptionId: subscription.id,
            control: "cancel_now",
          }),
        );
      }
      const [row] = await x.db.select().from(sandboxSubscriptions).where(eq(sandboxSubscriptions.id, subscription.id));
      expect(row.status).toBe("active");
    },
  },
  "payments.sandboxDisputePayment": {
    async allow(x) {
      const { payment } = await sandboxSupporterOfA(x);
      await x
        .api(x.a.owner)
        .payments.sandboxDisputePayment({ workspaceId: x.a.workspace.id, paymentId: payment.id, action: "open" });
      const [row] = await x.db.select().from(sandboxPayments).where(eq(sandboxPayments.id, payment.id));
      expect(row.disputeStatus).toBe("open");
    },
    async foreign(x) {
      const { payment } = await sandboxSupporterOfA(x);
      for (const workspaceId of [x.a.workspace.id, x.b.id]) {
        await expectNotFound(
          x.api(x.outsider).payments.sandboxDisputePayment({ workspaceId, paymentId: payment.id, action: "open" }),
        );
      }
      const [row] = await x.db.select().from(sandboxPayments).where(eq(sandboxPayments.id, payment.id));
      expect(row.disputeStatus).toBeNull();
    },
  },
  "payments.startConnectOnboarding": {
    allow: (x) =>
      withConnect(async ({ env }) => {
        const { url } = await x
          .api(x.a.admin, { env })
          .payments.startConnectOnboarding({ workspaceId: x.a.workspace.id });
        expect(url).toMatch(/^https:\/\/connect\.stripe\.test\//);
        expect(await connectedAccountOf(x, x.a.workspace.id)).toHaveLength(1);
        await expectForbidden(
          x.api(x.a.editor, { env }).payments.startConnectOnboarding({ workspaceId: x.a.workspace.id }),
        );
      }),
    foreign: (x) =>
      withConnect(async ({ env }) => {
        await expectNotFound(
          x.api(x.outsider, { env }).payments.startConnectOnboarding({ workspaceId: x.a.workspace.id }),
        );
        expect(await connectedAccountOf(x, x.a.workspace.id)).toEqual([]);
        // The outsider's own onboarding makes B's account, never one for A.
        await x.api(x.outsider, { env }).payments.startConnectOnboarding({ workspaceId: x.b.id });
        expect(await connectedAccountOf(x, x.b.id)).toHaveLength(1);
        expect(await connectedAccountOf(x, x.a.workspace.id)).toEqual([]);
      }),
  },
  "payments.refreshConnectAccount": {
    allow: (x) =>
      withConnect(async ({ env }) => {
        await x.api(x.a.owner, { env }).payments.startConnectOnboarding({ workspaceId: x.a.workspace.id });
        const status = await x
          .api(x.a.admin, { env })
          .payments.refreshConnectAccount({ workspaceId: x.a.workspace.id });
        expect(status.chargesEnabled).toBe(false);
        expect(status.requirementsCurrentlyDue.length).toBeGreaterThan(0);
      }),
    foreign: (x) =>
      withConnect(async ({ env }) => {
        await x.api(x.a.owner, { env }).payments.startConnectOnboarding({ workspaceId: x.a.workspace.id });
        await expectNotFound(
          x.api(x.outsider, { env }).payments.refreshConnectAccount({ workspaceId: x.a.workspace.id }),
        );
        // Through its own workspace the outsider reaches only B, which has no account.
        await expect(
          x.api(x.outsider, { env }).payments.refreshConnectAccount({ workspaceId: x.b.id }),
        ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      }),
  },
};

/** Runs `fn` with a local Stripe stand-in speaking Connect and the env that selects Stripe Connect. */
async function withConnect(
  fn: (stripe: { api: StripeApiServer; env: ReturnType<typeof connectEnv> }) => Promise<void>,
) {
  const api = await startStripeApi();
  try {
    await fn({ api, env: connectEnv(api.url) });
  } finally {
    await api.close();
  }
}

const connectedAccountOf = (x: Tenants, workspaceId: string) =>
  x.db.select().from(connectedAccounts).where(eq(connectedAccounts.workspaceId, workspaceId));

async function expectForbidden(promise: Promise<unknown>) {
  await expect(promise).rejects.toMatchObject({ code: "FORBIDDEN" });
}
