import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emails, grants, holds, orders, promoCodes, tickets, waitlistEntries } from "../../db/schema";
import { decideAccess } from "../../server/services/audience/gate";
import { issueGrant, PROVIDER_ACTOR } from "../../server/services/audience/grants";
import { applyPaymentEvent } from "../../server/services/audience/ledger";
import type { PaymentEvent } from "../../server/services/audience/payment-events";
import { ensureSupporter } from "../../server/services/audience/supporters";
import { loadViewer } from "../../server/services/audience/viewer";
import {
  cancelOrder,
  registerEventsPaymentHandler,
  settleDueRefunds,
  startTicketCheckout,
  type TicketPaymentProvider,
} from "../../server/services/events/orders";
import { reserveTickets } from "../../server/services/events/reserve";
import { joinWaitlist, leaveWaitlist, sweepLapsedHolds } from "../../server/services/events/waitlist";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertTier } from "../support/audience";
import { insertBuyers, insertEvent, seatCounts } from "../support/events";
import { createUser, createWorkspace } from "../support/factories";

const APP_URL = "http://greenroom.test";
const NOW = new Date("2027-02-01T12:00:00.000Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

let t: TestDatabase;
let workspaceId: string;
let seq = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { name: "Olive Owner" });
  workspaceId = (await createWorkspace(t.db, owner, "Events studio")).id;
  registerEventsPaymentHandler(APP_URL);
});
afterAll(() => t.close());
beforeEach(() => {
  seq++;
});

function paymentEvent(opts: {
  orderId: string;
  userId: string;
  paymentId: string;
  amountCents: number;
  eventId?: string;
}): PaymentEvent {
  return {
    type: "payment.succeeded",
    provider: "sandbox",
    account: "sandbox",
    eventId: opts.eventId ?? `evt_${opts.paymentId}`,
    created: 1_800_000_000,
    workspaceId,
    paymentId: opts.paymentId,
    checkoutId: null,
    purpose: { kind: "ticket_order", orderId: opts.orderId, userId: opts.userId },
    amountCents: opts.amountCents,
    applicationFeeCents: 0,
    currency: "usd",
  };
}

function expiredEvent(opts: { orderId: string; userId: string; eventId: string }): PaymentEvent {
  return {
    type: "checkout.expired",
    provider: "sandbox",
    account: "sandbox",
    eventId: opts.eventId,
    created: 1_800_000_000,
    workspaceId,
    checkoutId: `cs_${opts.orderId}`,
    purpose: { kind: "ticket_order", orderId: opts.orderId, userId: opts.userId },
  };
}

/** A provider that records what it was asked to do (the sandbox's role in these unit tests). */
function recordingProvider() {
  const refunds: Parameters<TicketPaymentProvider["refund"]>[0]["request"][] = [];
  const checkouts: Parameters<TicketPaymentProvider["createCheckout"]>[0]["request"][] = [];
  const provider: TicketPaymentProvider = {
    provider: "sandbox",
    createCheckout: async ({ request }) => {
      checkouts.push(request);
      return {
        id: `cs_${checkouts.length}_${seq}`,
        url: `${APP_URL}/sandbox/checkout/cs_${checkouts.length}`,
        expiresAt: request.kind === "payment" ? request.expiresAt : NOW,
      };
    },
    refund: async ({ request }) => {
      refunds.push(request);
      return { refundId: `re_${refunds.length}`, amountRefundedCents: request.amountCents ?? 0, currency: "usd" };
    },
  };
  return { provider, refunds, checkouts };
}

const reserve = (eventId: string, userId: string, ticketTypeId: string, quantity = 1, now = NOW) =>
  reserveTickets({ db: t.db, workspaceId, eventId, userId, lines: [{ ticketTypeId, quantity }], now, appUrl: APP_URL });

describe("free RSVPs", () => {
  it("issues a ticket and a ticket grant in the reservation, which opens ticket-holder content", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 2 });
    const [buyer] = await insertBuyers(t.db, 1, `rsvp-${seq}`);
    const result = await reserve(event.id, buyer.id, types[0].id);
    expect(result.status).toBe("issued");
    const [grant] = await t.db.select().from(grants).where(eq(grants.eventId, event.id));
    expect(grant).toMatchObject({ kind: "ticket", status: "active", userId: buyer.id, source: "free_signup" });
    const [ticket] = await t.db.select().from(tickets).where(eq(tickets.eventId, event.id));
    expect(ticket).toMatchObject({ grantId: grant.id, status: "valid", holderUserId: buyer.id });
    expect(grant.ticketId).toBe(ticket.id);

    const viewer = await loadViewer({ db: t.db, workspaceId, auth: { user: { id: buyer.id } } });
    expect(decideAccess({ visibility: "ticket_holders", eventId: event.id }, viewer, NOW)).toMatchObject({
      allowed: true,
    });
    const [other] = await insertBuyers(t.db, 1, `rsvp-other-${seq}`);
    const outsider = await loadViewer({ db: t.db, workspaceId, auth: { user: { id: other.id } } });
    expect(decideAccess({ visibility: "ticket_holders", eventId: event.id }, outsider, NOW).allowed).toBe(false);
  });

  it("refuses beyond capacity, per order limits and outside the sales window", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, {
      capacity: 3,
      salesStartAt: minutes(60),
      types: [{ maxPerOrder: 2 }],
    });
    const [a] = await insertBuyers(t.db, 1, `limits-${seq}`);
    await expect(reserve(event.id, a.id, types[0].id)).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(reserve(event.id, a.id, types[0].id, 3, minutes(61))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await reserve(event.id, a.id, types[0].id, 2, minutes(61));
    await expect(reserve(event.id, a.id, types[0].id, 2, minutes(62))).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await reserve(event.id, a.id, types[0].id, 1, minutes(62))).status).toBe("issued");
  });
});

describe("member pricing, early access and promo codes", () => {
  it("prices from the buyer's tier grants and lets members in early", async () => {
    const tier = await insertTier(t.db, workspaceId);
    const { event, types } = await insertEvent(t.db, workspaceId, {
      salesStartAt: minutes(60),
      types: [
        {
          priceCents: 3000,
          memberTierIds: [tier.id],
          memberPriceCents: 2000,
          earlyAccessTierIds: [tier.id],
          earlyAccessStartAt: minutes(-60),
        },
      ],
    });
    const [member, stranger] = await insertBuyers(t.db, 2, `member-${seq}`);
    const { supporter } = await ensureSupporter({
      db: t.db,
      workspaceId,
      userId: member.id,
      source: "checkout",
      actor: PROVIDER_ACTOR,
      now: NOW,
    });
    await issueGrant({
      db: t.db,
      workspaceId,
      userId: member.id,
      supporterId: supporter.id,
      kind: "tier",
      tierId: tier.id,
      source: "complimentary",
      startsAt: minutes(-120),
      endsAt: null,
      actor: PROVIDER_ACTOR,
      now: NOW,
    });
    const early = await reserve(event.id, member.id, types[0].id, 2);
    expect(early).toMatchObject({ status: "held", totalCents: 4000 });
    await expect(reserve(event.id, stranger.id, types[0].id)).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(await reserve(event.id, stranger.id, types[0].id, 1, minutes(61))).toMatchObject({ totalCents: 3000 });
  });

  it("applies a code within its validity and counts its uses under the event's lock", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { types: [{ priceCents: 2000 }] });
    await t.db.insert(promoCodes).values([
      { workspaceId, eventId: event.id, code: "half", kind: "percent", value: 50, maxUses: 1 },
      { workspaceId, eventId: event.id, code: "late", kind: "amount", value: 500, validFrom: minutes(30) },
    ]);
    const [a, b] = await insertBuyers(t.db, 2, `promo-${seq}`);
    const withCode = (userId: string, code: string, now = NOW) =>
      reserveTickets({
        db: t.db,
        workspaceId,
        eventId: event.id,
        userId,
        lines: [{ ticketTypeId: types[0].id, quantity: 2 }],
        promoCode: code,
        now,
        appUrl: APP_URL,
      });
    expect(await withCode(a.id, " HALF ")).toMatchObject({ status: "held", totalCents: 2000 });
    await expect(withCode(b.id, "half")).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(withCode(b.id, "late")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await withCode(b.id, "late", minutes(31))).toMatchObject({ totalCents: 3000 });
    // A's hold lapses: the code's one use is free again.
    expect(await withCode(b.id, "half", minutes(20))).toMatchObject({ totalCents: 2000 });
  });
});

describe("paid orders through the ledger", () => {
  it("opens a checkout that carries the order and expires with the hold", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { types: [{ priceCents: 2500 }] });
    const [buyer] = await insertBuyers(t.db, 1, `checkout-${seq}`);
    const held = await reserve(event.id, buyer.id, types[0].id, 2);
    const { provider, checkouts } = recordingProvider();
    const checkout = await startTicketCheckout({
      db: t.db,
      provider,
      workspaceId,
      orderId: held.orderId,
      userId: buyer.id,
      appUrl: APP_URL,
      now: NOW,
    });
    // Providers take no checkout shorter than 30 minutes: the 15-minute hold is extended to the checkout's expiry.
    const checkoutExpiry = new Date(NOW.getTime() + 30 * 60_000 + 5_000);
    expect(checkouts[0]).toMatchObject({
      kind: "payment",
      purpose: { kind: "ticket_order", orderId: held.orderId, userId: buyer.id },
      amountCents: 5000,
      description: "2 × Live taping",
      expiresAt: checkoutExpiry,
    });
    const [hold] = await t.db.select().from(holds).where(eq(holds.orderId, held.orderId));
    expect(hold.expiresAt).toEqual(checkoutExpiry);
    const [order] = await t.db.select().from(orders).where(eq(orders.id, held.orderId));
    expect(order).toMatchObject({ checkoutId: checkout.id, provider: "sandbox", status: "pending" });
  });

  it("issues tickets once whatever the duplicates, and ignores an expiry that arrives after the payment", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 5, types: [{ priceCents: 1000 }] });
    const [buyer] = await insertBuyers(t.db, 1, `dup-${seq}`);
    const held = await reserve(event.id, buyer.id, types[0].id, 2);
    const payment = paymentEvent({
      orderId: held.orderId,
      userId: buyer.id,
      paymentId: `pi_dup_${seq}`,
      amountCents: 2000,
    });
    const first = await applyPaymentEvent({ db: t.db, event: payment, now: minutes(1) });
    expect(first).toMatchObject({ duplicate: false, outcome: "applied" });
    expect(await applyPaymentEvent({ db: t.db, event: payment, now: minutes(1) })).toEqual({ duplicate: true });
    // The same payment delivered under another event id (a provider retry with a new id) issues nothing more.
    const again = await applyPaymentEvent({
      db: t.db,
      event: { ...payment, eventId: `evt_again_${seq}` },
      now: minutes(2),
    });
    expect(again).toMatchObject({ outcome: "ignored" });
    const late = await applyPaymentEvent({
      db: t.db,
      event: expiredEvent({ orderId: held.orderId, userId: buyer.id, eventId: `evt_exp_${seq}` }),
      now: minutes(30),
    });
    expect(late).toMatchObject({ outcome: "ignored" });
    expect(await seatCounts(t.db, event.id, minutes(30))).toEqual({ sold: 2, held: 0 });
    const [order] = await t.db.select().from(orders).where(eq(orders.id, held.orderId));
    expect(order).toMatchObject({ status: "paid", paymentId: `pi_dup_${seq}` });
  });

  it("releases the seats of an expired checkout, then completes a late payment while seats are free", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 5, types: [{ priceCents: 1000 }] });
    const [buyer] = await insertBuyers(t.db, 1, `late-${seq}`);
    const held = await reserve(event.id, buyer.id, types[0].id);
    await applyPaymentEvent({
      db: t.db,
      event: expiredEvent({ orderId: held.orderId, userId: buyer.id, eventId: `evt_exp_${seq}` }),
      now: minutes(16),
    });
    expect(await seatCounts(t.db, event.id, minutes(16))).toEqual({ sold: 0, held: 0 });
    const result = await applyPaymentEvent({
      db: t.db,
      event: paymentEvent({ orderId: held.orderId, userId: buyer.id, paymentId: `pi_late_${seq}`, amountCents: 1000 }),
      now: minutes(17),
    });
    expect(result).toMatchObject({ outcome: "applied", detail: expect.stringContaining("late payment") });
    expect(await seatCounts(t.db, event.id, minutes(17))).toEqual({ sold: 1, held: 0 });
  });

  it("refunds a late payment automatically when the seats are gone, and tells the buyer why", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 1, types: [{ priceCents: 1000 }] });
    const [slow, fast] = await insertBuyers(t.db, 2, `gone-${seq}`);
    const held = await reserve(event.id, slow.id, types[0].id);
    // The hold lapses and someone else takes the seat (their reservation settles the lapsed hold first).
    await reserve(event.id, fast.id, types[0].id, 1, minutes(20));
    const result = await applyPaymentEvent({
      db: t.db,
      event: paymentEvent({ orderId: held.orderId, userId: slow.id, paymentId: `pi_gone_${seq}`, amountCents: 1000 }),
      now: minutes(21),
    });
    expect(result).toMatchObject({ outcome: "applied", detail: expect.stringContaining("refund of 1000 due") });
    expect(await seatCounts(t.db, event.id, minutes(21))).toEqual({ sold: 0, held: 1 });
    const [order] = await t.db.select().from(orders).where(eq(orders.id, held.orderId));
    expect(order).toMatchObject({ status: "refunded", refundDueCents: 1000, paymentId: `pi_gone_${seq}` });
    const sent = await t.db.select().from(emails).where(eq(emails.to, slow.email));
    expect(sent.map((e) => e.subject)).toEqual([`Your payment for ${event.title} is being refunded`]);
    expect(sent[0].text).toContain("sold out");

    const { provider, refunds } = recordingProvider();
    expect(await settleDueRefunds({ db: t.db, provider, now: minutes(22) })).toEqual({ refunded: 1, failed: 0 });
    expect(await settleDueRefunds({ db: t.db, provider, now: minutes(22) })).toEqual({ refunded: 0, failed: 0 });
    expect(refunds).toEqual([
      {
        workspaceId,
        paymentId: `pi_gone_${seq}`,
        amountCents: 1000,
        actorUserId: null,
        idempotencyKey: `order-${held.orderId}-refunded-0-due-1000`,
      },
    ]);
    const [after] = await t.db.select().from(orders).where(eq(orders.id, held.orderId));
    expect(after).toMatchObject({ refundDueCents: 0, refundedCents: 1000 });
  });
});

describe("the waitlist", () => {
  it("offers a freed seat to the next person in the transaction that frees it; an expired offer passes on", async () => {
    const tier = await insertTier(t.db, workspaceId);
    const { event, types } = await insertEvent(t.db, workspaceId, {
      capacity: 1,
      offerHours: 12,
      types: [{ priceCents: 1000, memberTierIds: [tier.id] }],
    });
    const [holder, first, second, member] = await insertBuyers(t.db, 4, `wait-${seq}`);
    const held = await reserve(event.id, holder.id, types[0].id);
    await applyPaymentEvent({
      db: t.db,
      event: paymentEvent({ orderId: held.orderId, userId: holder.id, paymentId: `pi_w_${seq}`, amountCents: 1000 }),
      now: minutes(1),
    });
    const join = (userId: string, tierIds: string[], now: Date) =>
      joinWaitlist({
        db: t.db,
        workspaceId,
        eventId: event.id,
        ticketTypeId: types[0].id,
        userId,
        quantity: 1,
        tierIds,
        now,
      });
    await join(first.id, [], minutes(2));
    await join(second.id, [], minutes(3));
    await join(member.id, [tier.id], minutes(4));
    await expect(join(first.id, [], minutes(5))).rejects.toMatchObject({ code: "CONFLICT" });

    await cancelOrder({
      db: t.db,
      workspaceId,
      orderId: held.orderId,
      cancelTickets: true,
      refundCents: 1000,
      actorUserId: null,
      now: minutes(10),
      appUrl: APP_URL,
    });
    const offerFor = async (userId: string) =>
      (
        await t.db
          .select()
          .from(holds)
          .where(and(eq(holds.eventId, event.id), eq(holds.userId, userId), eq(holds.status, "held")))
      )[0];
    // The member of the favoured tier goes first, though they joined last.
    const memberOffer = await offerFor(member.id);
    expect(memberOffer).toMatchObject({ quantity: 1, expiresAt: new Date(minutes(10).getTime() + 12 * 3600_000) });
    expect(await seatCounts(t.db, event.id, minutes(10))).toEqual({ sold: 0, held: 1 });
    const offerMail = await t.db.select().from(emails).where(eq(emails.to, member.email));
    expect(offerMail[0].subject).toBe(`A seat is free for ${event.title}`);

    // Nobody else can buy the offered seat.
    const [walkIn] = await insertBuyers(t.db, 1, `walkin-${seq}`);
    await expect(reserve(event.id, walkIn.id, types[0].id, 1, minutes(11))).rejects.toMatchObject({ code: "CONFLICT" });

    // Frozen clock: 12 h later the sweep expires the member's offer and offers the seat to the first in line.
    const later = new Date(minutes(10).getTime() + 12 * 3600_000);
    expect(await sweepLapsedHolds({ db: t.db, now: later, appUrl: APP_URL })).toMatchObject({ offered: 1 });
    const [memberEntry] = await t.db.select().from(waitlistEntries).where(eq(waitlistEntries.userId, member.id));
    expect(memberEntry.status).toBe("expired");
    const firstOffer = await offerFor(first.id);
    expect(firstOffer.expiresAt).toEqual(new Date(later.getTime() + 12 * 3600_000));

    // Declining passes it on at once.
    await leaveWaitlist({
      db: t.db,
      workspaceId,
      entryId: firstOffer.waitlistEntryId!,
      userId: first.id,
      now: later,
      appUrl: APP_URL,
    });
    expect(await offerFor(second.id)).toBeDefined();
    // The second person pays the offer's order: a ticket, and the waitlist entry is done.
    const secondOffer = await offerFor(second.id);
    const paid = await applyPaymentEvent({
      db: t.db,
      event: paymentEvent({
        orderId: secondOffer.orderId!,
        userId: second.id,
        paymentId: `pi_o_${seq}`,
        amountCents: 1000,
      }),
      now: later,
    });
    expect(paid).toMatchObject({ outcome: "applied" });
    expect(await seatCounts(t.db, event.id, later)).toEqual({ sold: 1, held: 0 });
  });

  it("settles lapsed holds within a minute even when nobody buys", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 1, types: [{ priceCents: 500 }] });
    const [a, b] = await insertBuyers(t.db, 2, `sweep-${seq}`);
    await reserve(event.id, a.id, types[0].id);
    await joinWaitlist({
      db: t.db,
      workspaceId,
      eventId: event.id,
      ticketTypeId: types[0].id,
      userId: b.id,
      quantity: 1,
      tierIds: [],
      now: minutes(1),
    });
    expect(await sweepLapsedHolds({ db: t.db, now: minutes(14), appUrl: APP_URL })).toEqual({ events: 0, offered: 0 });
    expect(await sweepLapsedHolds({ db: t.db, now: minutes(15), appUrl: APP_URL })).toEqual({ events: 1, offered: 1 });
    const [entry] = await t.db.select().from(waitlistEntries).where(eq(waitlistEntries.userId, b.id));
    expect(entry.status).toBe("offered");
  });
});
