import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, audienceSubscriptions, grants, paymentLedger, users } from "../../db/schema";
import { decideAccess } from "../../server/services/audience/gate";
import {
  applyPaymentEvent,
  PAST_DUE_GRACE_SECONDS,
  registerTicketPaymentHandler,
} from "../../server/services/audience/ledger";
import { loadViewer } from "../../server/services/audience/viewer";
import { insertTier, subscriptionEvent } from "../support/audience";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace, type TestUser } from "../support/factories";

let t: TestDatabase;
let creator: TestUser;
let workspaceId: string;
let paidTierId: string;
const NOW = new Date("2026-12-01T12:00:00.000Z");
const PERIOD_END = new Date("2027-01-01T12:00:00.000Z");
const T0 = Math.floor(NOW.getTime() / 1000);

beforeAll(async () => {
  t = await createTestDatabase();
  creator = await createUser(t.db, { name: "Cara Creator" });
  workspaceId = (await createWorkspace(t.db, creator, "Cara's studio")).id;
  paidTierId = (await insertTier(t.db, workspaceId)).id;
});
afterAll(() => t.close());

async function subscriber() {
  const person = await createUser(t.db, { name: "Sam Supporter" });
  return { person, subscriptionId: `sub_${person.id.slice(0, 8)}` };
}

async function grantOf(subscriptionId: string) {
  return t.db
    .select()
    .from(grants)
    .where(and(eq(grants.workspaceId, workspaceId), eq(grants.sourceRef, subscriptionId)));
}

const paidContent = { visibility: "paid" } as const;

describe("applyPaymentEvent", () => {
  it("grants the tier on an active subscription, once, and a duplicate delivery changes nothing", async () => {
    const { person, subscriptionId } = await subscriber();
    const event = subscriptionEvent({
      workspaceId,
      tierId: paidTierId,
      userId: person.id,
      subscriptionId,
      status: "active",
      created: T0,
      currentPeriodEnd: PERIOD_END,
    });
    const first = await applyPaymentEvent({ db: t.db, event, now: NOW });
    expect(first).toMatchObject({ duplicate: false, outcome: "applied" });
    expect(await applyPaymentEvent({ db: t.db, event, now: NOW })).toEqual({ duplicate: true });

    const rows = await grantOf(subscriptionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "tier", tierId: paidTierId, status: "active", source: "subscription" });
    expect(rows[0]!.endsAt).toEqual(PERIOD_END);
    const ledger = await t.db.select().from(paymentLedger).where(eq(paymentLedger.providerEventId, event.eventId));
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ outcome: "applied", grantId: rows[0]!.id, userId: person.id });
    const issued = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.action, "grant.issued")));
    expect(issued.filter((a) => a.detail.grantId === rows[0]!.id)).toHaveLength(1);

    const viewer = await loadViewer({ db: t.db, workspaceId, auth: { user: { id: person.id } } });
    expect(decideAccess(paidContent, viewer, NOW)).toEqual({ allowed: true, reason: "granted" });
  });

  it("ignores a state event older than the applied one, so delivery order does not matter", async () => {
    const { person, subscriptionId } = await subscriber();
    const base = { workspaceId, tierId: paidTierId, userId: person.id, subscriptionId, currentPeriodEnd: PERIOD_END };
    const canceled = subscriptionEvent({ ...base, status: "canceled", created: T0 + 60 });
    const active = subscriptionEvent({ ...base, status: "active", created: T0 });
    await applyPaymentEvent({ db: t.db, event: canceled, now: NOW });
    const late = await applyPaymentEvent({ db: t.db, event: active, now: NOW });
    expect(late).toMatchObject({
      duplicate: false,
      outcome: "ignored",
      detail: "older than the state already applied",
    });
    const [subscription] = await t.db
      .select()
      .from(audienceSubscriptions)
      .where(eq(audienceSubscriptions.providerSubscriptionId, subscriptionId));
    expect(subscription).toMatchObject({ status: "canceled", updatedFromEventCreated: T0 + 60 });
    // Canceled first: no access was ever granted.
    expect(await grantOf(subscriptionId)).toEqual([]);
  });

  it("ends access on cancellation and keeps it until period end with cancel_at_period_end", async () => {
    const { person, subscriptionId } = await subscriber();
    const base = { workspaceId, tierId: paidTierId, userId: person.id, subscriptionId, currentPeriodEnd: PERIOD_END };
    await applyPaymentEvent({
      db: t.db,
      event: subscriptionEvent({ ...base, status: "active", created: T0 }),
      now: NOW,
    });
    await applyPaymentEvent({
      db: t.db,
      event: subscriptionEvent({ ...base, status: "active", cancelAtPeriodEnd: true, created: T0 + 1 }),
      now: NOW,
    });
    const auth = { user: { id: person.id } };
    expect(decideAccess(paidContent, await loadViewer({ db: t.db, workspaceId, auth }), NOW).allowed).toBe(true);
    await applyPaymentEvent({
      db: t.db,
      event: subscriptionEvent({ ...base, status: "canceled", created: T0 + 2 }),
      now: NOW,
    });
    const [grant] = await grantOf(subscriptionId);
    expect(grant).toMatchObject({ status: "canceled", endedReason: "Subscription ended" });
    expect(decideAccess(paidContent, await loadViewer({ db: t.db, workspaceId, auth }), NOW)).toEqual({
      allowed: false,
      reason: "upgrade",
    });
  });

  it("gives past_due a short grace beyond the period end", async () => {
    const { person, subscriptionId } = await subscriber();
    const base = { workspaceId, tierId: paidTierId, userId: person.id, subscriptionId, currentPeriodEnd: PERIOD_END };
    await applyPaymentEvent({
      db: t.db,
      event: subscriptionEvent({ ...base, status: "past_due", created: T0 }),
      now: NOW,
    });
    const [grant] = await grantOf(subscriptionId);
    expect(grant!.endsAt!.getTime()).toBe(PERIOD_END.getTime() + PAST_DUE_GRACE_SECONDS * 1000);
  });

  it("extends on invoice.paid and ends on a full refund or a dispute", async () => {
    const { person, subscriptionId } = await subscriber();
    const base = { workspaceId, tierId: paidTierId, userId: person.id, subscriptionId, currentPeriodEnd: PERIOD_END };
    await applyPaymentEvent({
      db: t.db,
      event: subscriptionEvent({ ...base, status: "active", created: T0 }),
      now: NOW,
    });
    const nextEnd = new Date("2027-02-01T12:00:00.000Z");
    const common = { provider: "sandbox", account: "sandbox", workspaceId, created: T0 + 5 } as const;
    await applyPaymentEvent({
      db: t.db,
      event: {
        ...common,
        type: "invoice.paid",
        eventId: `evt_inv_${subscriptionId}`,
        subscriptionId,
        invoiceId: "in_1",
        amountCents: 500,
        applicationFeeCents: 25,
        currency: "usd",
        periodEnd: nextEnd,
      },
      now: NOW,
    });
    expect((await grantOf(subscriptionId))[0]!.endsAt).toEqual(nextEnd);

    await applyPaymentEvent({
      db: t.db,
      event: {
        ...common,
        type: "payment.refunded",
        eventId: `evt_partial_${subscriptionId}`,
        paymentId: "pi_1",
        subscriptionId,
        amountRefundedCents: 100,
        fullyRefunded: false,
        currency: "usd",
      },
      now: NOW,
    });
    expect((await grantOf(subscriptionId))[0]!.status).toBe("active");
    await applyPaymentEvent({
      db: t.db,
      event: {
        ...common,
        type: "dispute.state",
        eventId: `evt_dispute_${subscriptionId}`,
        disputeId: "dp_1",
        paymentId: "pi_1",
        subscriptionId,
        amountCents: 500,
        currency: "usd",
        status: "open",
      },
      now: NOW,
    });
    expect((await grantOf(subscriptionId))[0]).toMatchObject({ status: "disputed" });
    // A later "active" state does not reopen what a dispute closed; winning it does.
    await applyPaymentEvent({
      db: t.db,
      event: subscriptionEvent({ ...base, status: "active", created: T0 + 9 }),
      now: NOW,
    });
    expect((await grantOf(subscriptionId))[0]).toMatchObject({ status: "disputed" });
    await applyPaymentEvent({
      db: t.db,
      event: {
        ...common,
        type: "dispute.state",
        eventId: `evt_dispute_won_${subscriptionId}`,
        disputeId: "dp_1",
        paymentId: "pi_1",
        subscriptionId,
        amountCents: 500,
        currency: "usd",
        status: "won",
      },
      now: NOW,
    });
    expect((await grantOf(subscriptionId))[0]).toMatchObject({ status: "active" });
  });

  it("turns a paid gift into a tier grant for the recipient, created without a password", async () => {
    const giver = await createUser(t.db, { name: "Gil Giver" });
    const result = await applyPaymentEvent({
      db: t.db,
      event: {
        type: "payment.succeeded",
        provider: "sandbox",
        account: "sandbox",
        workspaceId,
        created: T0,
        eventId: "evt_gift_1",
        paymentId: "pi_gift_1",
        checkoutId: null,
        purpose: {
          kind: "gift",
          tierId: paidTierId,
          userId: giver.id,
          recipientEmail: "Friend@Example.test",
          months: 3,
        },
        amountCents: 1500,
        applicationFeeCents: 75,
        currency: "usd",
      },
      now: NOW,
    });
    expect(result).toMatchObject({ duplicate: false, outcome: "applied" });
    const [recipient] = await t.db.select().from(users).where(eq(users.email, "friend@example.test"));
    expect(recipient!.passwordHash).toBe("passwordless");
    const [grant] = await t.db.select().from(grants).where(eq(grants.sourceRef, "pi_gift_1"));
    expect(grant).toMatchObject({ userId: recipient!.id, source: "gift", tierId: paidTierId });
    expect(grant!.endsAt).toEqual(new Date("2027-03-01T12:00:00.000Z"));
  });

  it("hands ticket orders to the registered handler inside its transaction, once", async () => {
    const calls: string[] = [];
    registerTicketPaymentHandler({
      async paymentSucceeded({ purpose }) {
        calls.push(`paid:${purpose.orderId}`);
        return { outcome: "applied", detail: "tickets issued" };
      },
      async checkoutExpired({ purpose }) {
        calls.push(`expired:${purpose.orderId}`);
        return { outcome: "applied", detail: "holds released" };
      },
    });
    try {
      const common = { provider: "sandbox", account: "sandbox", workspaceId, created: T0 } as const;
      const purpose = { kind: "ticket_order", orderId: "order-1", userId: creator.id } as const;
      const paid = {
        ...common,
        type: "payment.succeeded",
        eventId: "evt_ticket_paid",
        paymentId: "pi_ticket",
        checkoutId: "cs_1",
        purpose,
        amountCents: 2000,
        applicationFeeCents: 100,
        currency: "usd",
      } as const;
      expect(await applyPaymentEvent({ db: t.db, event: paid, now: NOW })).toMatchObject({ detail: "tickets issued" });
      expect(await applyPaymentEvent({ db: t.db, event: paid, now: NOW })).toEqual({ duplicate: true });
      await applyPaymentEvent({
        db: t.db,
        event: { ...common, type: "checkout.expired", eventId: "evt_ticket_expired", checkoutId: "cs_2", purpose },
        now: NOW,
      });
      expect(calls).toEqual(["paid:order-1", "expired:order-1"]);
    } finally {
      registerTicketPaymentHandler(null);
    }
  });

  it("ignores a subscription naming another workspace's tier", async () => {
    const other = await createUser(t.db);
    const otherWorkspace = await createWorkspace(t.db, other, "Other studio");
    const foreignTier = await insertTier(t.db, otherWorkspace.id);
    const { person, subscriptionId } = await subscriber();
    const result = await applyPaymentEvent({
      db: t.db,
      event: subscriptionEvent({
        workspaceId,
        tierId: foreignTier.id,
        userId: person.id,
        subscriptionId,
        status: "active",
        created: T0,
        currentPeriodEnd: PERIOD_END,
      }),
      now: NOW,
    });
    expect(result).toMatchObject({ outcome: "ignored", detail: "tier not in this workspace" });
    expect(await grantOf(subscriptionId)).toEqual([]);
  });
});
