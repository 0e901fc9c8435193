/**
 * The payments sandbox end to end through the router, as the pages call it: a supporter checks out a tier, pays
 * with pretend money, and every later change (renewal, failure, cancellation, refund, dispute) reaches the one
 * ledger as the events Stripe would send, each with its own event id and in order.
 */
import { asc, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { grants, paymentLedger, sandboxCheckoutSessions, sandboxPayments, sandboxSubscriptions } from "../../db/schema";
import { runSandboxBilling } from "../../server/services/payments/sandbox";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam, createUser, type TestUser } from "../support/factories";
import { createPaidTier } from "../support/payments";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
let now: Date;
const clock = () => now;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());
beforeEach(() => {
  now = new Date("2026-11-01T12:00:00Z");
});

async function ledgerOf(workspaceId: string) {
  return t.db
    .select()
    .from(paymentLedger)
    .where(eq(paymentLedger.workspaceId, workspaceId))
    .orderBy(asc(paymentLedger.occurredAt), asc(paymentLedger.createdAt));
}

async function grantsOf(workspaceId: string) {
  return t.db.select().from(grants).where(eq(grants.workspaceId, workspaceId));
}

async function subscribe(supporter: TestUser, workspaceId: string, tierId: string) {
  const buyer = callerFor(t.db, supporter, { clock });
  const checkout = await buyer.api.payments.createTierCheckout({ workspaceId, tierId, interval: "month" });
  const checkoutId = checkout.url.split("/").at(-1) ?? "";
  const confirmed = await buyer.api.payments.sandboxConfirmCheckout({ checkoutId });
  const [subscription] = await t.db
    .select()
    .from(sandboxSubscriptions)
    .where(eq(sandboxSubscriptions.workspaceId, workspaceId));
  return { checkout, checkoutId, confirmed, subscription, buyer };
}

describe("sandbox payments", () => {
  it("a tier checkout opens the labelled sandbox page for its buyer only, and paying starts the subscription", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id);
    const supporter = await createUser(t.db);
    const buyer = callerFor(t.db, supporter, { clock });

    const checkout = await buyer.api.payments.createTierCheckout({
      workspaceId: workspace.id,
      tierId: tier.id,
      interval: "month",
    });
    expect(checkout.url).toMatch(/^http:\/\/localhost:8787\/sandbox\/checkout\/sbcs_[0-9a-f]{32}$/);
    expect(checkout.expiresAt).toEqual(new Date("2026-11-02T12:00:00Z"));
    const checkoutId = checkout.url.split("/").at(-1) ?? "";
    expect(await buyer.api.payments.sandboxGetCheckout({ checkoutId })).toMatchObject({
      workspaceName: workspace.name,
      description: "Backstage (monthly)",
      amountCents: 500,
      status: "open",
    });
    // Someone else, even a member of the creator's team, cannot see or pay it.
    await expect(callerFor(t.db, editor).api.payments.sandboxGetCheckout({ checkoutId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(callerFor(t.db, editor).api.payments.sandboxConfirmCheckout({ checkoutId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    const confirmed = await buyer.api.payments.sandboxConfirmCheckout({ checkoutId });
    expect(confirmed.redirectTo).toBe(`http://localhost:8787/c/${workspace.id}/account?checkout=success`);
    const [subscription] = await t.db
      .select()
      .from(sandboxSubscriptions)
      .where(eq(sandboxSubscriptions.workspaceId, workspace.id));
    expect(subscription).toMatchObject({
      userId: supporter.id,
      tierId: tier.id,
      status: "active",
      amountCents: 500,
      currentPeriodEnd: new Date("2026-12-01T12:00:00Z"),
    });
    const ledger = await ledgerOf(workspace.id);
    expect(ledger.map((row) => row.eventType)).toEqual(["subscription.state", "invoice.paid"]);
    expect(new Set(ledger.map((row) => row.providerEventId)).size).toBe(2);
    expect(ledger.every((row) => row.provider === "sandbox" && row.providerAccount === "sandbox")).toBe(true);
    // Events about one subscription never share a time, so newest-state-wins ordering holds under a frozen clock.
    expect(ledger[1].occurredAt).toBeGreaterThan(ledger[0].occurredAt);

    // The ledger turned the events into the supporter's grant for the tier, for the paid period.
    expect(await grantsOf(workspace.id)).toEqual([
      expect.objectContaining({
        userId: supporter.id,
        kind: "tier",
        tierId: tier.id,
        source: "subscription",
        sourceRef: subscription.id,
        status: "active",
        endsAt: new Date("2026-12-01T12:00:00Z"),
      }),
    ]);
    expect(ledger.every((row) => row.outcome === "applied")).toBe(true);

    // A paid checkout cannot be paid twice.
    await expect(buyer.api.payments.sandboxConfirmCheckout({ checkoutId })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("a trial starts trialing with no charge and the first renewal charges", async () => {
    const { workspace } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id, { trialDays: 14 });
    const { subscription } = await subscribe(await createUser(t.db), workspace.id, tier.id);
    expect(subscription).toMatchObject({ status: "trialing", currentPeriodEnd: new Date("2026-11-15T12:00:00Z") });
    expect((await ledgerOf(workspace.id)).map((row) => row.eventType)).toEqual(["subscription.state"]);

    now = new Date("2026-11-15T12:00:30Z");
    expect(await runSandboxBilling({ db: t.db, now })).toMatchObject({ renewed: 1 });
    const [after] = await t.db.select().from(sandboxSubscriptions).where(eq(sandboxSubscriptions.id, subscription.id));
    expect(after).toMatchObject({ status: "active", currentPeriodEnd: new Date("2026-12-15T12:00:30Z") });
    expect((await ledgerOf(workspace.id)).map((row) => row.eventType)).toEqual([
      "subscription.state",
      "invoice.paid",
      "subscription.state",
    ]);
    // A second run at the same moment finds nothing due.
    expect(await runSandboxBilling({ db: t.db, now })).toMatchObject({ renewed: 0, ended: 0 });
  });

  it("the creator's controls renew, fail, cancel at period end, resume and cancel now, each reported once", async () => {
    const { workspace, owner, editor } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id);
    const { subscription } = await subscribe(await createUser(t.db), workspace.id, tier.id);
    const creator = callerFor(t.db, owner, { clock });
    const control = (c: Parameters<typeof creator.api.payments.sandboxControlSubscription>[0]["control"]) =>
      creator.api.payments.sandboxControlSubscription({
        workspaceId: workspace.id,
        subscriptionId: subscription.id,
        control: c,
      });

    // An editor may not drive payments.
    await expect(
      callerFor(t.db, editor).api.payments.sandboxControlSubscription({
        workspaceId: workspace.id,
        subscriptionId: subscription.id,
        control: "cancel_now",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    expect(await control("fail_renewal")).toEqual({ status: "past_due", cancelAtPeriodEnd: false });
    expect(await control("renew")).toEqual({ status: "active", cancelAtPeriodEnd: false });
    expect(await control("cancel_at_period_end")).toEqual({ status: "active", cancelAtPeriodEnd: true });
    expect(await control("resume")).toEqual({ status: "active", cancelAtPeriodEnd: false });
    expect(await control("cancel_now")).toEqual({ status: "canceled", cancelAtPeriodEnd: false });
    await expect(control("renew")).rejects.toMatchObject({ code: "CONFLICT" });

    const ledger = await ledgerOf(workspace.id);
    expect(ledger.map((row) => row.eventType)).toEqual([
      "subscription.state",
      "invoice.paid",
      "invoice.payment_failed",
      "subscription.state",
      "invoice.paid",
      "subscription.state",
      "subscription.state",
      "subscription.state",
      "subscription.state",
    ]);
    const times = ledger.map((row) => row.occurredAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
  });

  it("the cron ends a subscription set to cancel at period end (even one marked to fail), charging nothing", async () => {
    const { workspace, owner } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id);
    const first = await subscribe(await createUser(t.db), workspace.id, tier.id);
    const creator = callerFor(t.db, owner, { clock });
    await creator.api.payments.sandboxControlSubscription({
      workspaceId: workspace.id,
      subscriptionId: first.subscription.id,
      control: "cancel_at_period_end",
    });
    await creator.api.payments.sandboxControlSubscription({
      workspaceId: workspace.id,
      subscriptionId: first.subscription.id,
      control: "fail_next_renewal",
    });
    now = new Date("2026-12-01T12:00:00Z");
    expect(await runSandboxBilling({ db: t.db, now })).toMatchObject({ ended: 1, renewalsFailed: 0 });
    const [ended] = await t.db
      .select()
      .from(sandboxSubscriptions)
      .where(eq(sandboxSubscriptions.id, first.subscription.id));
    expect(ended.status).toBe("canceled");
    const types = (await ledgerOf(workspace.id)).map((row) => row.eventType);
    expect(types.filter((type) => type.startsWith("invoice."))).toEqual(["invoice.paid"]);
  });

  it("the cron fails a renewal marked to fail and later cancels it", async () => {
    const { workspace, owner } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id);
    const { subscription } = await subscribe(await createUser(t.db), workspace.id, tier.id);
    await callerFor(t.db, owner, { clock }).api.payments.sandboxControlSubscription({
      workspaceId: workspace.id,
      subscriptionId: subscription.id,
      control: "fail_next_renewal",
    });
    now = new Date("2026-12-01T12:00:00Z");
    expect(await runSandboxBilling({ db: t.db, now })).toMatchObject({ renewalsFailed: 1 });
    now = new Date("2026-12-08T12:00:00Z");
    expect(await runSandboxBilling({ db: t.db, now })).toMatchObject({ ended: 1 });
    const types = (await ledgerOf(workspace.id)).map((row) => row.eventType);
    expect(types.slice(-3)).toEqual(["invoice.payment_failed", "subscription.state", "subscription.state"]);
  });

  it("refunds in parts up to the payment, and a dispute opens and is lost (won needs an open one)", async () => {
    const { workspace, owner } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id);
    const { subscription } = await subscribe(await createUser(t.db), workspace.id, tier.id);
    const [payment] = await t.db.select().from(sandboxPayments).where(eq(sandboxPayments.workspaceId, workspace.id));
    const creator = callerFor(t.db, owner, { clock });
    const refund = (amountCents?: number) =>
      creator.api.payments.refundPayment({ workspaceId: workspace.id, paymentId: payment.id, amountCents });
    const dispute = (paymentId: string, action: "open" | "won" | "lost") =>
      creator.api.payments.sandboxDisputePayment({ workspaceId: workspace.id, paymentId, action });

    expect(await refund(200)).toMatchObject({ amountRefundedCents: 200 });
    expect((await grantsOf(workspace.id))[0]).toMatchObject({ status: "active" });
    await expect(refund(301)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await refund()).toMatchObject({ amountRefundedCents: 300 });
    await expect(refund()).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // Each refund is its own negative movement; the full one ended the grant as refunded.
    const refunds = (await ledgerOf(workspace.id)).filter((row) => row.eventType === "payment.refunded");
    expect(refunds.map((row) => row.amountCents)).toEqual([-200, -300]);
    expect((await grantsOf(workspace.id))[0]).toMatchObject({ status: "refunded" });
    // Nothing is left to dispute on a payment refunded in full.
    await expect(dispute(payment.id, "open")).rejects.toMatchObject({ code: "CONFLICT" });

    // A later renewal's payment is disputed and lost, then another's is won.
    await creator.api.payments.sandboxControlSubscription({
      workspaceId: workspace.id,
      subscriptionId: subscription.id,
      control: "renew",
    });
    const [renewal] = await t.db
      .select()
      .from(sandboxPayments)
      .where(eq(sandboxPayments.workspaceId, workspace.id))
      .orderBy(desc(sandboxPayments.createdAt))
      .limit(1);
    await expect(dispute(renewal.id, "won")).rejects.toMatchObject({ code: "CONFLICT" });
    await dispute(renewal.id, "open");
    await expect(dispute(renewal.id, "open")).rejects.toMatchObject({ code: "CONFLICT" });
    await dispute(renewal.id, "lost");
    const [after] = await t.db.select().from(sandboxPayments).where(eq(sandboxPayments.id, renewal.id));
    expect(after).toMatchObject({ disputeStatus: "lost", disputeId: expect.stringMatching(/^sbdp_/) });
    const types = (await ledgerOf(workspace.id)).map((row) => row.eventType);
    expect(types.slice(-2)).toEqual(["dispute.state", "dispute.state"]);
  });

  it("a supporter cancels their own subscription in the sandbox portal, and nobody else's", async () => {
    const { workspace } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id);
    const supporter = await createUser(t.db);
    const { subscription, buyer } = await subscribe(supporter, workspace.id, tier.id);
    expect((await buyer.api.payments.createPortal({ workspaceId: workspace.id })).url).toBe(
      `http://localhost:8787/sandbox/portal/${workspace.id}`,
    );
    const own = await buyer.api.payments.sandboxListOwnSubscriptions({ workspaceId: workspace.id });
    expect(own).toMatchObject({
      workspaceName: workspace.name,
      items: [{ id: subscription.id, tierName: "Backstage" }],
    });

    const other = callerFor(t.db, await createUser(t.db), { clock });
    expect(await other.api.payments.sandboxListOwnSubscriptions({ workspaceId: workspace.id })).toMatchObject({
      items: [],
    });
    await expect(
      other.api.payments.sandboxControlOwnSubscription({
        workspaceId: workspace.id,
        subscriptionId: subscription.id,
        control: "cancel_now",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(
      await buyer.api.payments.sandboxControlOwnSubscription({
        workspaceId: workspace.id,
        subscriptionId: subscription.id,
        control: "cancel_at_period_end",
      }),
    ).toEqual({ status: "active", cancelAtPeriodEnd: true });
    expect((await grantsOf(workspace.id))[0]).toMatchObject({ status: "active" });
    expect(
      await buyer.api.payments.sandboxControlOwnSubscription({
        workspaceId: workspace.id,
        subscriptionId: subscription.id,
        control: "cancel_now",
      }),
    ).toEqual({ status: "canceled", cancelAtPeriodEnd: false });
    // Canceling ends the grant now (any status but active denies access on every surface that reads grants).
    expect(await grantsOf(workspace.id)).toEqual([
      expect.objectContaining({ status: "canceled", sourceRef: subscription.id }),
    ]);
  });

  it("declining or letting a one-off checkout expire reports checkout.expired once", async () => {
    const { workspace } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id);
    const buyer = callerFor(t.db, await createUser(t.db), { clock });
    const declined = await buyer.api.payments.createTierCheckout({
      workspaceId: workspace.id,
      tierId: tier.id,
      interval: "year",
    });
    const declinedId = declined.url.split("/").at(-1) ?? "";
    expect((await buyer.api.payments.sandboxDeclineCheckout({ checkoutId: declinedId })).redirectTo).toBe(
      `http://localhost:8787/c/${workspace.id}?checkout=canceled`,
    );
    const lapsed = await buyer.api.payments.createTierCheckout({
      workspaceId: workspace.id,
      tierId: tier.id,
      interval: "month",
    });
    now = new Date("2026-11-02T12:00:01Z");
    await expect(
      buyer.api.payments.sandboxConfirmCheckout({ checkoutId: lapsed.url.split("/").at(-1) ?? "" }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(await runSandboxBilling({ db: t.db, now })).toMatchObject({ checkoutsExpired: 0 });
    const sessions = await t.db
      .select({ status: sandboxCheckoutSessions.status })
      .from(sandboxCheckoutSessions)
      .where(eq(sandboxCheckoutSessions.workspaceId, workspace.id));
    expect(sessions.map((s) => s.status).sort()).toEqual(["declined", "expired"]);
    expect((await ledgerOf(workspace.id)).map((row) => row.eventType)).toEqual([
      "checkout.expired",
      "checkout.expired",
    ]);
  });

  it("is off in a deployment without Stripe keys: no checkout, no sandbox", async () => {
    const { workspace, owner } = await createTeam(t.db);
    const tier = await createPaidTier(t.db, workspace.id);
    const production = { env: { ENVIRONMENT: "production" } };
    await expect(
      callerFor(t.db, await createUser(t.db), production).api.payments.createTierCheckout({
        workspaceId: workspace.id,
        tierId: tier.id,
        interval: "month",
      }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(
      callerFor(t.db, owner, production).api.payments.sandboxControlSubscription({
        workspaceId: workspace.id,
        subscriptionId: "sbsub_0123456789abcdef",
        control: "renew",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await callerFor(t.db, owner, production).api.payments.getOverview({ workspaceId: workspace.id })).toEqual({
      mode: "off",
      connect: null,
      sandbox: null,
    });
  });
});
