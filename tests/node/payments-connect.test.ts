/**
 * Stripe Connect end to end (ADR 025) on a real Postgres server (concurrent deliveries need parallel transactions,
 * which PGlite cannot run) with the real Stripe SDK talking to the local Stripe stand-in: onboarding, prices on the
 * connected account, Checkout as direct charges with the platform fee, the portal, refunds, and the Connect webhook
 * under duplicate, concurrent and out-of-order deliveries.
 */
import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditEvents,
  connectedAccounts,
  connectPayments,
  grants,
  invoices,
  paymentLedger,
  stripeEvents,
  tiers,
} from "../../db/schema";
import { createStripeClient } from "../../server/services/billing/stripe-client";
import { connectInvoicingFor } from "../../server/services/payments/connect-invoicing";
import { handleConnectEvent, type ConnectWebhookResult } from "../../server/services/payments/connect-webhooks";
import { createCheckout } from "../../server/services/payments/payments";
import { createCampaign, createUser, createWorkspace, type TestUser } from "../support/factories";
import { connectedWorkspace, connectEnv, createPaidTier } from "../support/payments";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { startStripeApi, type StripeApiServer } from "../support/stripe-api";
import { connectEvent } from "../support/stripe-connect-api";
import { callerFor } from "../support/trpc";

let pg: PostgresServer;
let api: StripeApiServer;
let stripe: Stripe;
let env: ReturnType<typeof connectEnv>;
const T0 = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  [pg, api] = await Promise.all([startPostgresServer(), startStripeApi()]);
  stripe = await createStripeClient({ secretKey: "sk_test_connect_local", apiUrl: api.url });
  env = connectEnv(api.url);
}, 60_000);

afterAll(async () => {
  await Promise.all([pg?.stop(), api?.close()]);
});

const as = (user: TestUser) => callerFor(pg.db, user, { env }).api;

async function creator() {
  const owner = await createUser(pg.db, { name: "Cara Creator" });
  const workspace = await createWorkspace(pg.db, owner, "Connect studio");
  return { owner, workspaceId: workspace.id };
}

/** Delivers each event on its own connection, all at once, as Stripe's parallel retries do. */
async function deliverAtOnce(events: unknown[]): Promise<ConnectWebhookResult[]> {
  const handles = events.map(() => pg.connect());
  try {
    return await Promise.all(
      handles.map((handle, i) =>
        handleConnectEvent({ db: handle.db, stripe, event: events[i] as Stripe.Event, now: new Date() }),
      ),
    );
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

const deliver = async (event: unknown) =>
  handleConnectEvent({ db: pg.db, stripe, event: event as Stripe.Event, now: new Date() });

/** How long a one-off payment's Checkout session holds the buyer's place. */
const HOLD_MS = 45 * 60 * 1000;

/**
 * Starts a 10.00 USD one-off gift checkout on the workspace's connected account, as a buyer's gift page does: a
 * month of the tier for a friend, or `months` of it. The session's hold expires HOLD_MS after `now`.
 */
function startGiftCheckout(opts: { workspaceId: string; tierId: string; buyer: TestUser; now: Date; months?: number }) {
  const { workspaceId, tierId, buyer, now, months } = opts;
  return createCheckout({
    db: pg.db,
    env: { ENVIRONMENT: "test", ...env },
    appUrl: "http://localhost:8787",
    meta: { ip: null, userAgent: "vitest" },
    now,
    request: {
      kind: "payment",
      workspaceId,
      userId: buyer.id,
      customerEmail: buyer.email,
      purpose: {
        kind: "gift",
        tierId,
        userId: buyer.id,
        recipientEmail: "friend@example.test",
        ...(months === undefined ? {} : { months }),
      },
      description:
        months === undefined ? "A month of Backstage for a friend" : `${months} months of Backstage for a friend`,
      amountCents: 1000,
      currency: "USD",
      expiresAt: new Date(now.getTime() + HOLD_MS),
      successUrl: "http://localhost:8787/c/x/account",
      cancelUrl: "http://localhost:8787/c/x",
    },
  });
}

async function grantAudit(workspaceId: string, grantId: string) {
  const rows = await pg.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, workspaceId));
  return rows.filter((row) => row.detail.grantId === grantId).map((row) => row.action);
}

describe("Connect onboarding", () => {
  it("creates one Standard account per workspace with Greenroom's marker and links into onboarding", async () => {
    const { owner, workspaceId } = await creator();
    const [first, second] = await Promise.all([
      as(owner).payments.startConnectOnboarding({ workspaceId }),
      as(owner).payments.startConnectOnboarding({ workspaceId }),
    ]);
    expect(first.url).toMatch(/^https:\/\/connect\.stripe\.test\/setup\//);
    expect(second.url).toMatch(/^https:\/\/connect\.stripe\.test\/setup\//);
    const rows = await pg.db.select().from(connectedAccounts).where(eq(connectedAccounts.workspaceId, workspaceId));
    expect(rows).toHaveLength(1);
    const accountId = rows[0]!.stripeAccountId;
    expect(api.connect.account(accountId)?.metadata).toEqual({ greenroom_workspace_id: workspaceId });
    const links = api.requests.filter((r) => r.path === "/v1/account_links" && r.fields.account === accountId);
    expect(links).toHaveLength(2);
    expect(links[0]!.fields.return_url).toBe(`http://localhost:8787/w/${workspaceId}/payments?connect=return`);
    expect(links[0]!.fields.refresh_url).toBe(`http://localhost:8787/w/${workspaceId}/payments?connect=refresh`);

    const overview = await as(owner).payments.getOverview({ workspaceId });
    expect(overview.mode).toBe("stripe");
    expect(overview.connect).toMatchObject({
      accountId,
      chargesEnabled: false,
      requirementsCurrentlyDue: ["external_account", "tos_acceptance.date"],
    });
  });

  it("follows account.updated, newest first, and ignores an older delivery", async () => {
    const { owner, workspaceId } = await creator();
    await as(owner).payments.startConnectOnboarding({ workspaceId });
    const [{ stripeAccountId: account }] = await pg.db
      .select()
      .from(connectedAccounts)
      .where(eq(connectedAccounts.workspaceId, workspaceId));
    const stale = connectEvent("account.updated", api.connect.updateAccount(account, {}), { account, created: T0 + 1 });
    const enabled = connectEvent(
      "account.updated",
      api.connect.updateAccount(account, {
        charges_enabled: true,
        currently_due: [],
        past_due: ["individual.id_number"],
      }),
      { account, created: T0 + 2 },
    );
    expect(await deliver(enabled)).toMatchObject({ outcome: "processed", workspaceId });
    expect(await deliver(stale)).toMatchObject({
      outcome: "ignored",
      detail: "older than the account state already applied",
    });
    expect(await deliver(enabled)).toEqual({ outcome: "duplicate" });
    const overview = await as(owner).payments.getOverview({ workspaceId });
    expect(overview.connect).toMatchObject({ chargesEnabled: true, requirementsPastDue: ["individual.id_number"] });
    const [recorded] = await pg.db.select().from(stripeEvents).where(eq(stripeEvents.id, enabled.id));
    expect(recorded).toMatchObject({ account, outcome: "processed", workspaceId });
  });

  it("refuses checkout until the account can take charges", async () => {
    const { owner, workspaceId } = await creator();
    await as(owner).payments.startConnectOnboarding({ workspaceId });
    const tier = await createPaidTier(pg.db, workspaceId);
    const buyer = await createUser(pg.db);
    await expect(
      as(buyer).payments.createTierCheckout({ workspaceId, tierId: tier.id, interval: "month" }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });
});

describe("Connect checkout, portal and refunds", () => {
  it("makes the tier's Price on the connected account once and charges with the plan's application fee", async () => {
    const { owner, workspaceId } = await creator();
    const account = await connectedWorkspace(pg.db, api, owner, workspaceId);
    const tier = await createPaidTier(pg.db, workspaceId, { trialDays: 7 });
    const buyer = await createUser(pg.db);
    const first = await as(buyer).payments.createTierCheckout({ workspaceId, tierId: tier.id, interval: "month" });
    await as(buyer).payments.createTierCheckout({ workspaceId, tierId: tier.id, interval: "month" });
    expect(first.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);

    const sessions = api.requests.filter((r) => r.path === "/v1/checkout/sessions" && r.account === account);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]!.fields).toMatchObject({
      mode: "subscription",
      customer_email: buyer.email,
      "subscription_data[application_fee_percent]": "5",
      "subscription_data[trial_period_days]": "7",
      "subscription_data[metadata][greenroom_tier_id]": tier.id,
      "subscription_data[metadata][greenroom_user_id]": buyer.id,
    });
    // Direct charges: nothing of the supporter's payment is created on the platform.
    expect(api.requests.filter((r) => r.path === "/v1/checkout/sessions" && r.account === undefined)).toHaveLength(0);
    expect(api.connect.prices(account)).toHaveLength(1);
    const [stored] = await pg.db.select().from(tiers).where(eq(tiers.id, tier.id));
    expect(stored.stripeMonthlyPriceId).toBe(sessions[0]!.fields["line_items[0][price]"]);
    // The price was made on the connected account: the platform does not know it.
    await expect(stripe.prices.retrieve(stored.stripeMonthlyPriceId!)).rejects.toMatchObject({
      code: "resource_missing",
    });

    // A price edit needs a new Price (Stripe's are immutable); the next checkout makes it.
    await pg.db.update(tiers).set({ monthlyPriceCents: 700 }).where(eq(tiers.id, tier.id));
    await as(buyer).payments.createTierCheckout({ workspaceId, tierId: tier.id, interval: "month" });
    const prices = api.connect.prices(account);
    expect(prices.map((p) => p.unit_amount)).toEqual([500, 700]);
  });

  it("runs a one-off payment with its hold's expiry and a fixed application fee, then refunds it once per click", async () => {
    const { owner, workspaceId } = await creator();
    const account = await connectedWorkspace(pg.db, api, owner, workspaceId);
    const tier = await createPaidTier(pg.db, workspaceId);
    const buyer = await createUser(pg.db);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + HOLD_MS);
    const session = await startGiftCheckout({ workspaceId, tierId: tier.id, buyer, now, months: 2 });
    const request = api.requests.findLast((r) => r.path === "/v1/checkout/sessions")!;
    expect(request.account).toBe(account);
    expect(request.fields).toMatchObject({
      mode: "payment",
      "payment_intent_data[application_fee_amount]": "50",
      expires_at: String(Math.floor(expiresAt.getTime() / 1000)),
      "line_items[0][price_data][unit_amount]": "1000",
      "line_items[0][price_data][currency]": "usd",
    });
    expect(session.expiresAt.getTime()).toBe(Math.floor(expiresAt.getTime() / 1000) * 1000);

    const paid = api.connect.payCheckout(account, session.id);
    const completed = connectEvent("checkout.session.completed", paid.session, { account, created: T0 });
    const results = await deliverAtOnce([completed, completed, completed]);
    expect(results.filter((r) => r.outcome === "processed")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(2);
    const [gift] = await pg.db.select().from(grants).where(eq(grants.sourceRef, paid.paymentIntentId));
    expect(gift).toMatchObject({ status: "active", source: "gift" });
    const [ledgerRow] = await pg.db.select().from(paymentLedger).where(eq(paymentLedger.providerEventId, completed.id));
    expect(ledgerRow).toMatchObject({ amountCents: 1000, applicationFeeCents: 50, providerAccount: account });

    // Two clicks on the same refund are one refund at Stripe (same idempotency key).
    const refundOnce = () =>
      as(owner).payments.refundPayment({ workspaceId, paymentId: paid.paymentIntentId, amountCents: 300 });
    const [a, b] = await Promise.all([refundOnce(), refundOnce()]);
    expect(a.refundId).toBe(b.refundId);
    expect(api.connect.refunds(account)).toHaveLength(1);
    const refundRequests = api.requests.filter((r) => r.path === "/v1/refunds");
    expect(refundRequests.every((r) => r.account === account)).toBe(true);

    // Stripe reports cumulative totals: 300, then 1000 after the Dashboard refunds the rest. Delivered newest first
    // and twice, the ledger still sees +1000 in all, and the grant ends once.
    const partial = connectEvent("charge.refunded", api.connect.charge(account, paid.paymentIntentId), {
      account,
      created: T0 + 1,
    });
    const full = connectEvent("charge.refunded", api.connect.refundInDashboard(account, paid.paymentIntentId, 700), {
      account,
      created: T0 + 2,
    });
    await deliverAtOnce([full, full]);
    await deliverAtOnce([partial, partial, { ...partial, id: `${partial.id}x` }]);
    const refunds = await pg.db
      .select()
      .from(paymentLedger)
      .where(and(eq(paymentLedger.workspaceId, workspaceId), eq(paymentLedger.eventType, "payment.refunded")));
    expect(refunds.reduce((sum, row) => sum + row.amountCents, 0)).toBe(-1000);
    const [ended] = await pg.db.select().from(grants).where(eq(grants.id, gift.id));
    expect(ended.status).toBe("refunded");
    expect(await grantAudit(workspaceId, gift.id)).toEqual(["grant.issued", "grant.ended"]);
    const [payment] = await pg.db
      .select()
      .from(connectPayments)
      .where(eq(connectPayments.paymentIntentId, paid.paymentIntentId));
    expect(payment.refundedCents).toBe(1000);
  });

  it("opens the customer portal on the connected account for the supporter's own customer", async () => {
    const { owner, workspaceId } = await creator();
    const account = await connectedWorkspace(pg.db, api, owner, workspaceId);
    const tier = await createPaidTier(pg.db, workspaceId);
    const buyer = await createUser(pg.db);
    await expect(as(buyer).payments.createPortal({ workspaceId })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    const checkout = await as(buyer).payments.createTierCheckout({ workspaceId, tierId: tier.id, interval: "year" });
    const paid = api.connect.payCheckout(account, checkout.id);
    await deliver(connectEvent("checkout.session.completed", paid.session, { account }));
    const portal = await as(buyer).payments.createPortal({ workspaceId });
    expect(portal.url).toMatch(/^https:\/\/billing\.stripe\.test\//);
    const request = api.requests.findLast((r) => r.path === "/v1/billing_portal/sessions")!;
    expect(request.account).toBe(account);
    expect(request.fields.customer).toBe(paid.session.customer);
    expect(request.fields.return_url).toBe(`http://localhost:8787/c/${workspaceId}/account`);
  });
});

describe("Connect webhook into the ledger", () => {
  async function subscribed() {
    const { owner, workspaceId } = await creator();
    const account = await connectedWorkspace(pg.db, api, owner, workspaceId);
    const tier = await createPaidTier(pg.db, workspaceId);
    const buyer = await createUser(pg.db);
    const checkout = await as(buyer).payments.createTierCheckout({ workspaceId, tierId: tier.id, interval: "month" });
    const paid = api.connect.payCheckout(account, checkout.id);
    return { owner, workspaceId, account, tier, buyer, paid };
  }

  it("turns a paid subscription checkout into exactly one grant under duplicate and concurrent deliveries", async () => {
    const { workspaceId, account, paid } = await subscribed();
    const subscription = api.connect.subscription(account, paid.subscriptionId!)!;
    const events = [
      connectEvent("checkout.session.completed", paid.session, { account, created: T0 }),
      connectEvent("customer.subscription.created", subscription, { account, created: T0 }),
      connectEvent("invoice.paid", paid.invoice, { account, created: T0 + 1 }),
    ];
    const results = await deliverAtOnce([...events, ...events, ...events].reverse());
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(6);
    const rows = await pg.db.select().from(grants).where(eq(grants.sourceRef, paid.subscriptionId!));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "active", workspaceId, kind: "tier" });
    expect(await grantAudit(workspaceId, rows[0]!.id)).toEqual(["grant.issued"]);
    const ledger = await pg.db.select().from(paymentLedger).where(eq(paymentLedger.workspaceId, workspaceId));
    expect(ledger.filter((r) => r.eventType === "invoice.paid")).toEqual([
      expect.objectContaining({ amountCents: 500, applicationFeeCents: 25, providerAccount: account }),
    ]);
    // The invoice's payment is known, so a refund of it finds the subscription.
    const [payment] = await pg.db
      .select()
      .from(connectPayments)
      .where(eq(connectPayments.paymentIntentId, paid.invoice!.paymentIntentId));
    expect(payment.subscriptionId).toBe(paid.subscriptionId);
  });

  it("converges to a cancellation whatever order the subscription's events arrive in", async () => {
    const { workspaceId, account, paid } = await subscribed();
    const snapshot = api.connect.subscription(account, paid.subscriptionId!);
    await deliver(connectEvent("customer.subscription.created", snapshot, { account, created: T0 }));
    const [grant] = await pg.db.select().from(grants).where(eq(grants.sourceRef, paid.subscriptionId!));
    expect(grant.status).toBe("active");
    const staleUpdate = connectEvent("customer.subscription.updated", snapshot, { account, created: T0 + 1 });
    const canceled = connectEvent(
      "customer.subscription.deleted",
      api.connect.updateSubscription(account, paid.subscriptionId!, { status: "canceled" }),
      { account, created: T0 + 5 },
    );
    // The newest arrives first; the older one, delivered after it, changes nothing.
    expect(await deliver(canceled)).toMatchObject({ outcome: "processed" });
    expect(await deliver(staleUpdate)).toMatchObject({ outcome: "ignored" });
    expect((await pg.db.select().from(grants).where(eq(grants.id, grant.id)))[0]!.status).toBe("canceled");
    expect(await grantAudit(workspaceId, grant.id)).toEqual(["grant.issued", "grant.ended"]);
    const [row] = await pg.db
      .select()
      .from(paymentLedger)
      .where(and(eq(paymentLedger.workspaceId, workspaceId), eq(paymentLedger.providerEventId, staleUpdate.id)));
    expect(row.detail).toBe("older than the state already applied");
  });

  it("ends a subscription's grant once on a refund of its invoice and a lost dispute, in any order", async () => {
    const { workspaceId, account, paid } = await subscribed();
    await deliver(connectEvent("checkout.session.completed", paid.session, { account, created: T0 }));
    await deliver(connectEvent("invoice.paid", paid.invoice, { account, created: T0 + 1 }));
    const [grant] = await pg.db.select().from(grants).where(eq(grants.sourceRef, paid.subscriptionId!));
    const pi = paid.invoice!.paymentIntentId;
    const opened = connectEvent("charge.dispute.created", api.connect.dispute(account, pi, "needs_response"), {
      account,
      created: T0 + 2,
    });
    const won = connectEvent("charge.dispute.closed", api.connect.dispute(account, pi, "won"), {
      account,
      created: T0 + 3,
    });
    // The close arrives first; the late "created" must not take access away again.
    await deliverAtOnce([won, won]);
    expect(await deliver(opened)).toMatchObject({
      outcome: "ignored",
      detail: "older than the dispute state already applied",
    });
    expect((await pg.db.select().from(grants).where(eq(grants.id, grant.id)))[0]!.status).toBe("active");

    const refunded = connectEvent("charge.refunded", api.connect.refundInDashboard(account, pi, 500), {
      account,
      created: T0 + 4,
    });
    await deliverAtOnce([refunded, refunded, refunded]);
    expect((await pg.db.select().from(grants).where(eq(grants.id, grant.id)))[0]!.status).toBe("refunded");
    expect(await grantAudit(workspaceId, grant.id)).toEqual(["grant.issued", "grant.ended"]);
  });

  it("touches nothing Greenroom did not create, and no account it did not connect", async () => {
    const { workspaceId, account, paid } = await subscribed();
    const foreignSession = { ...paid.session, metadata: {} };
    expect(await deliver(connectEvent("checkout.session.completed", foreignSession, { account }))).toMatchObject({
      outcome: "ignored",
      detail: "checkout not created by Greenroom",
    });
    // Another workspace's marker on this account is not this workspace's object either.
    const other = await creator();
    const wrongMarker = {
      ...paid.session,
      metadata: { ...(paid.session.metadata as Record<string, string>), greenroom_workspace_id: other.workspaceId },
    };
    expect(await deliver(connectEvent("checkout.session.completed", wrongMarker, { account }))).toMatchObject({
      outcome: "ignored",
    });
    expect(
      await deliver(connectEvent("checkout.session.completed", paid.session, { account: "acct_unknown0000000000" })),
    ).toMatchObject({ outcome: "ignored", detail: "account not connected through Greenroom" });
    expect(
      await deliver(
        connectEvent(
          "charge.refunded",
          {
            id: "ch_x",
            payment_intent: "pi_foreign",
            amount: 100,
            amount_refunded: 100,
            refunded: true,
            currency: "usd",
          },
          { account },
        ),
      ),
    ).toMatchObject({
      outcome: "ignored",
      detail: "not a payment Greenroom took",
    });
    expect(await pg.db.select().from(grants).where(eq(grants.workspaceId, workspaceId))).toEqual([]);
  });
});

describe("Stripe Invoicing on the connected account", () => {
  it("issues a campaign invoice on the connected account and mirrors its status from invoice events", async () => {
    const { owner, workspaceId } = await creator();
    const account = await connectedWorkspace(pg.db, api, owner, workspaceId);
    const { campaign } = await createCampaign(pg.db, workspaceId, {
      campaign: { pricing: "flat", rateCents: 120_000, currency: "EUR" },
    });
    const invoice = await as(owner).campaigns.createInvoice({ workspaceId, campaignId: campaign.id, notes: "" });
    expect((await as(owner).campaigns.getCampaign({ workspaceId, campaignId: campaign.id })).stripeInvoicing).toEqual({
      available: true,
      reason: null,
    });
    const before = api.requests.length;
    const sent = await as(owner).campaigns.setInvoiceStatus({
      workspaceId,
      invoiceId: invoice.id,
      status: "sent",
      throughStripe: true,
    });
    expect(sent.status).toBe("sent");
    expect(sent.stripeInvoiceId).toMatch(/^in_/);
    const atStripe = api.connect.invoice(account, sent.stripeInvoiceId!)!;
    expect(atStripe).toMatchObject({ status: "open", currency: "eur", amount_due: 120_000 });
    const onAccount = api.requests.slice(before);
    expect(onAccount.map((r) => r.path)).toEqual([
      "/v1/customers",
      "/v1/invoices",
      "/v1/invoiceitems",
      `/v1/invoices/${sent.stripeInvoiceId}/finalize`,
      `/v1/invoices/${sent.stripeInvoiceId}/send`,
    ]);
    expect(onAccount.every((r) => r.account === account)).toBe(true);

    const paidEvent = connectEvent(
      "invoice.paid",
      api.connect.setInvoiceStatus(account, atStripe.id as string, "paid"),
      {
        account,
      },
    );
    const lateSent = connectEvent("invoice.sent", { ...atStripe, status: "open" }, { account });
    expect((await deliverAtOnce([paidEvent, paidEvent]))!.map((r) => r.outcome).sort()).toEqual([
      "duplicate",
      "processed",
    ]);
    expect(await deliver(lateSent)).toMatchObject({ outcome: "ignored" });
    const [row] = await pg.db.select().from(invoices).where(eq(invoices.id, invoice.id));
    expect(row.status).toBe("paid");
  });

  it("keeps the PDF path when the workspace has no connected account", async () => {
    const { owner, workspaceId } = await creator();
    expect(await connectInvoicingFor({ db: pg.db, env: { ENVIRONMENT: "test", ...env }, workspaceId })).toBeNull();
    const { campaign } = await createCampaign(pg.db, workspaceId, { campaign: { pricing: "flat", rateCents: 5000 } });
    const invoice = await as(owner).campaigns.createInvoice({ workspaceId, campaignId: campaign.id, notes: "" });
    // The page offers no "Send through Stripe" and says why (the same words the refusal gives).
    const reason = "Connect a Stripe account on Payments to send invoices through Stripe.";
    expect((await as(owner).campaigns.getCampaign({ workspaceId, campaignId: campaign.id })).stripeInvoicing).toEqual({
      available: false,
      reason,
    });
    await expect(
      as(owner).campaigns.setInvoiceStatus({ workspaceId, invoiceId: invoice.id, status: "sent", throughStripe: true }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: reason });
    const plain = await as(owner).campaigns.setInvoiceStatus({ workspaceId, invoiceId: invoice.id, status: "sent" });
    expect(plain).toMatchObject({ status: "sent", stripeInvoiceId: null });
  });
});

/** Every ordering of `items` (n! of them). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Runs the tasks `width` at a time (independent payments, so they may overlap). */
async function inParallel<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

type Event = ReturnType<typeof connectEvent>;

/** One payment's events, and how to find what they changed. */
interface Story {
  events: Map<string, Event>;
  /** The grant's `source_ref`: the subscription, or the one-off payment. */
  grantRef: string;
  pi: string;
  /** Provider objects whose ledger rows belong to this story. */
  objects: string[];
  /** A subscription's period end at Stripe (Unix seconds); null for a one-off payment. */
  periodEnd: number | null;
}

describe("Connect deliveries in every order (issue 12 item 3)", () => {
  let shop: { owner: TestUser; workspaceId: string; account: string; tierId: string };

  beforeAll(async () => {
    const { owner, workspaceId } = await creator();
    const account = await connectedWorkspace(pg.db, api, owner, workspaceId);
    const tier = await createPaidTier(pg.db, workspaceId);
    shop = { owner, workspaceId, account, tierId: tier.id };
  }, 60_000);

  /**
   * A supporter's paid subscription at Stripe, already in its final state (refunded, disputed…), and the events
   * Stripe sends about it. Stripe reports `feeTaken` as its application fee, not the 25 Greenroom asked for.
   */
  async function subscriptionStory(opts: {
    refundCents?: number;
    dispute?: "won" | "lost";
    feeTaken?: number;
  }): Promise<Story> {
    const { account } = shop;
    const buyer = await createUser(pg.db);
    const checkout = await as(buyer).payments.createTierCheckout({
      workspaceId: shop.workspaceId,
      tierId: shop.tierId,
      interval: "month",
    });
    const paid = api.connect.payCheckout(account, checkout.id, { feeTaken: opts.feeTaken });
    const pi = paid.invoice!.paymentIntentId;
    const subscription = api.connect.subscription(account, paid.subscriptionId!)!;
    const events = new Map<string, Event>(
      Object.entries({
        completed: connectEvent("checkout.session.completed", paid.session, { account, created: T0 }),
        created: connectEvent("customer.subscription.created", subscription, { account, created: T0 }),
        updated: connectEvent("customer.subscription.updated", subscription, { account, created: T0 + 1 }),
        invoicePaid: connectEvent("invoice.paid", paid.invoice, { account, created: T0 + 1 }),
      }),
    );
    if (opts.refundCents)
      events.set(
        "refunded",
        connectEvent("charge.refunded", api.connect.refundInDashboard(account, pi, opts.refundCents), {
          account,
          created: T0 + 2,
        }),
      );
    if (opts.dispute) {
      events.set(
        "disputeOpened",
        connectEvent("charge.dispute.created", api.connect.dispute(account, pi, "needs_response"), {
          account,
          created: T0 + 3,
        }),
      );
      events.set(
        "disputeClosed",
        connectEvent("charge.dispute.closed", api.connect.dispute(account, pi, opts.dispute), {
          account,
          created: T0 + 4,
        }),
      );
    }
    const objects = [paid.subscriptionId!, paid.invoice!.id, pi, `dp_${pi.slice(3)}`];
    return {
      events,
      grantRef: paid.subscriptionId!,
      pi,
      objects,
      periodEnd: subscription.items.data[0]!.current_period_end,
    };
  }

  /** A gift bought as a one-off payment, refunded in full and disputed (the dispute won), and its events. */
  async function giftStory(): Promise<Story> {
    const { account, workspaceId } = shop;
    const buyer = await createUser(pg.db);
    const now = new Date();
    const session = await startGiftCheckout({ workspaceId, tierId: shop.tierId, buyer, now });
    const paid = api.connect.payCheckout(account, session.id, { feeTaken: 70 });
    const pi = paid.paymentIntentId;
    const events = new Map<string, Event>(
      Object.entries({
        completed: connectEvent("checkout.session.completed", paid.session, { account, created: T0 }),
        refunded: connectEvent("charge.refunded", api.connect.refundInDashboard(account, pi, 1000), {
          account,
          created: T0 + 2,
        }),
        disputeOpened: connectEvent("charge.dispute.created", api.connect.dispute(account, pi, "needs_response"), {
          account,
          created: T0 + 3,
        }),
        disputeClosed: connectEvent("charge.dispute.closed", api.connect.dispute(account, pi, "won"), {
          account,
          created: T0 + 4,
        }),
      }),
    );
    return { events, grantRef: pi, pi, objects: [pi, session.id, `dp_${pi.slice(3)}`], periodEnd: null };
  }

  /** The grant, the payment and the ledger's money for one story, without the ids that differ between stories. */
  async function finalState(story: Story) {
    const rows = await pg.db.select().from(grants).where(eq(grants.sourceRef, story.grantRef));
    const [payment] = await pg.db.select().from(connectPayments).where(eq(connectPayments.paymentIntentId, story.pi));
    const ledger = (await pg.db.select().from(paymentLedger).where(eq(paymentLedger.workspaceId, shop.workspaceId)))
      .filter((row) => story.objects.includes(row.providerObjectId ?? ""))
      .filter((row) => row.amountCents !== 0 || row.applicationFeeCents !== 0)
      .map((row) => [row.eventType, row.amountCents, row.applicationFeeCents] as const)
      .sort();
    const failed = await pg.db.select().from(stripeEvents).where(eq(stripeEvents.outcome, "failed"));
    return {
      grants: rows.map((grant) => ({
        status: grant.status,
        tierId: grant.tierId,
        source: grant.source,
        endedReason: grant.endedReason,
        // Subscriptions end at Stripe's period end; gifts a month after they start.
        endsAt: story.periodEnd
          ? (grant.endsAt?.getTime() ?? 0) - story.periodEnd * 1000
          : (grant.endsAt?.getTime() ?? 0) - grant.startsAt.getTime() > 27 * 86_400_000,
      })),
      payment: payment && {
        amountCents: payment.amountCents,
        refundedCents: payment.refundedCents,
        forSubscription: payment.subscriptionId === (story.periodEnd ? story.grantRef : null),
        checkout: payment.checkoutId !== null || story.periodEnd !== null,
      },
      ledger,
      failed: failed.length,
    };
  }

  /** Delivers each ordering to a story of its own and expects every one to end where the first did. */
  async function everyOrder(
    make: () => Promise<Story>,
    names: string[],
    orders: string[][],
  ): Promise<Awaited<ReturnType<typeof finalState>>> {
    const states = await inParallel(
      orders.map((order) => async () => {
        const story = await make();
        for (const name of order) await deliver(story.events.get(name)!);
        return { order, state: await finalState(story) };
      }),
      4,
    );
    const [first] = states;
    for (const { order, state } of states) expect({ order, state }).toEqual({ order, state: first!.state });
    expect(new Set(orders.map((order) => order.join())).size).toBe(orders.length);
    expect(orders.every((order) => [...order].sort().join() === [...names].sort().join())).toBe(true);
    return first!.state;
  }

  it("a subscription refunded in full ends refunded, once, in all 120 orders of its five events", async () => {
    const names = ["completed", "created", "updated", "invoicePaid", "refunded"];
    const state = await everyOrder(
      () => subscriptionStory({ refundCents: 500, feeTaken: 30 }),
      names,
      permutations(names),
    );
    expect(state).toEqual({
      grants: [
        { status: "refunded", tierId: shop.tierId, source: "subscription", endedReason: "Payment refunded", endsAt: 0 },
      ],
      payment: { amountCents: 500, refundedCents: 500, forSubscription: true, checkout: true },
      // The fee is the one Stripe reports taking (30), not the 5 % Greenroom asked for (25).
      ledger: [
        ["invoice.paid", 500, 30],
        ["payment.refunded", -500, 0],
      ],
      failed: 0,
    });
  }, 300_000);

  it("a dispute won gives access back, and a lost one keeps it ended, in all 120 orders", async () => {
    const names = ["completed", "created", "invoicePaid", "disputeOpened", "disputeClosed"];
    const won = await everyOrder(() => subscriptionStory({ dispute: "won" }), names, permutations(names));
    expect(won.grants).toEqual([expect.objectContaining({ status: "active", endsAt: 0 })]);
    expect(won.ledger).toEqual([["invoice.paid", 500, 25]]);
    const lost = await everyOrder(() => subscriptionStory({ dispute: "lost" }), names, permutations(names));
    expect(lost.grants).toEqual([expect.objectContaining({ status: "disputed", endedReason: "Payment disputed" })]);
    expect(lost.ledger).toEqual([
      ["dispute.state", -500, 0],
      ["invoice.paid", 500, 25],
    ]);
  }, 600_000);

  it("all seven events of a refunded, disputed subscription converge over a spread of their 5040 orders", async () => {
    const names = ["completed", "created", "updated", "invoicePaid", "refunded", "disputeOpened", "disputeClosed"];
    const all = permutations(names);
    // Every 35th ordering in lexicographic order: 144 orders, each event first and last in many of them.
    const orders = all.filter((_, i) => i % 35 === 0 || i === all.length - 1);
    const state = await everyOrder(() => subscriptionStory({ refundCents: 500, dispute: "lost" }), names, orders);
    // A full refund outranks the dispute (ADR 022 addendum): refunded, whatever came first.
    expect(state.grants).toEqual([expect.objectContaining({ status: "refunded", endedReason: "Payment refunded" })]);
    expect(state.ledger).toEqual([
      ["dispute.state", -500, 0],
      ["invoice.paid", 500, 25],
      ["payment.refunded", -500, 0],
    ]);
  }, 600_000);

  it("a one-off gift refunded before its checkout completes ends refunded in all 24 orders", async () => {
    const names = ["completed", "refunded", "disputeOpened", "disputeClosed"];
    const state = await everyOrder(giftStory, names, permutations(names));
    expect(state).toEqual({
      grants: [
        { status: "refunded", tierId: shop.tierId, source: "gift", endedReason: "Payment refunded", endsAt: true },
      ],
      payment: { amountCents: 1000, refundedCents: 1000, forSubscription: true, checkout: true },
      ledger: [
        ["payment.refunded", -1000, 0],
        ["payment.succeeded", 1000, 70],
      ],
      failed: 0,
    });
  }, 300_000);

  it("the same events delivered three times at once change the grant once and end as in order", async () => {
    const names = ["completed", "created", "updated", "invoicePaid", "refunded"];
    const inOrder = await subscriptionStory({ refundCents: 500 });
    for (const name of names) await deliver(inOrder.events.get(name)!);
    const story = await subscriptionStory({ refundCents: 500 });
    const batch = names.map((name) => story.events.get(name)!);
    const results = await deliverAtOnce([...batch, ...batch, ...batch].reverse());
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(10);
    expect(await finalState(story)).toEqual(await finalState(inOrder));
    const [grant] = await pg.db.select().from(grants).where(eq(grants.sourceRef, story.grantRef));
    expect(await grantAudit(shop.workspaceId, grant!.id)).toEqual(["grant.issued", "grant.ended"]);

    // The seven events of a refunded and disputed subscription, three times at once: the same end as in order.
    const seven = [...names, "disputeOpened", "disputeClosed"];
    const sequential = await subscriptionStory({ refundCents: 500, dispute: "lost" });
    for (const name of seven) await deliver(sequential.events.get(name)!);
    const racing = await subscriptionStory({ refundCents: 500, dispute: "lost" });
    const all = seven.map((name) => racing.events.get(name)!);
    await deliverAtOnce([...all, ...all, ...all]);
    expect(await finalState(racing)).toEqual(await finalState(sequential));
    const [raced] = await pg.db.select().from(grants).where(eq(grants.sourceRef, racing.grantRef));
    expect((await grantAudit(shop.workspaceId, raced!.id)).filter((a) => a === "grant.issued")).toHaveLength(1);
  }, 300_000);
});
