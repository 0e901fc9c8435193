import { and, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emails, events, grants, orders, sandboxPayments, supporters, tickets, waitlistEntries } from "../../db/schema";
import { decideAccess } from "../../server/services/audience/gate";
import { applyPaymentEvent } from "../../server/services/audience/ledger";
import type { PaymentEvent } from "../../server/services/audience/payment-events";
import { loadViewer } from "../../server/services/audience/viewer";
import { cancelEvent, cancellationStatus } from "../../server/services/events/cancel-event";
import { recordEventChange, sendEventReminders } from "../../server/services/events/notices";
import { acceptOffer, declineOffer, getOffer } from "../../server/services/events/offers";
import {
  cancelOrder,
  cancelOwnOrder,
  registerEventsPaymentHandler,
  settleDueRefunds,
  type TicketPaymentProvider,
} from "../../server/services/events/orders";
import { reserveTickets } from "../../server/services/events/reserve";
import { transferTicket } from "../../server/services/events/transfer";
import { joinWaitlist, sweepLapsedHolds } from "../../server/services/events/waitlist";
import { refundSandboxPayment } from "../../server/services/payments/sandbox";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { EVENT_START, insertBuyers, insertEvent, seatCounts } from "../support/events";
import { createUser, createWorkspace } from "../support/factories";

const APP_URL = "http://greenroom.test";
const NOW = new Date("2027-02-01T12:00:00.000Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
const META = { ip: null, userAgent: null };

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

const base = { provider: "sandbox" as const, account: "sandbox", created: 1_800_000_000 };

function paid(opts: { orderId: string; userId: string; paymentId: string; amountCents: number }): PaymentEvent {
  return {
    ...base,
    type: "payment.succeeded",
    eventId: `evt_${opts.paymentId}`,
    workspaceId,
    paymentId: opts.paymentId,
    checkoutId: null,
    purpose: { kind: "ticket_order", orderId: opts.orderId, userId: opts.userId },
    amountCents: opts.amountCents,
    applicationFeeCents: 0,
    currency: "usd",
  };
}

function refunded(paymentId: string, amount: number, full: boolean): PaymentEvent {
  return {
    ...base,
    type: "payment.refunded",
    eventId: `evt_re_${paymentId}_${amount}`,
    workspaceId,
    paymentId,
    subscriptionId: null,
    amountRefundedCents: amount,
    fullyRefunded: full,
    currency: "usd",
  };
}

function recordingProvider(failFirst = 0) {
  const refunds: Parameters<TicketPaymentProvider["refund"]>[0]["request"][] = [];
  let failures = failFirst;
  const provider: TicketPaymentProvider = {
    provider: "sandbox",
    createCheckout: async ({ request }) => ({
      id: `cs_${seq}_${Math.random()}`,
      url: `${APP_URL}/sandbox/checkout/x`,
      expiresAt: request.kind === "payment" ? request.expiresAt : NOW,
    }),
    refund: async ({ request }) => {
      if (failures > 0) {
        failures--;
        throw new Error("provider unavailable");
      }
      refunds.push(request);
      return { refundId: `re_${refunds.length}`, amountRefundedCents: request.amountCents ?? 0, currency: "usd" };
    },
  };
  return { provider, refunds };
}

const reserve = (eventId: string, userId: string, ticketTypeId: string, quantity = 1, now = NOW) =>
  reserveTickets({ db: t.db, workspaceId, eventId, userId, lines: [{ ticketTypeId, quantity }], now, appUrl: APP_URL });

/** A paid order of `quantity` seats for `buyer`, through the ledger. */
async function buy(eventId: string, typeId: string, buyer: { id: string }, quantity: number, cents: number) {
  const held = await reserve(eventId, buyer.id, typeId, quantity);
  const paymentId = `pi_${seq}_${buyer.id.slice(0, 8)}`;
  await applyPaymentEvent({
    db: t.db,
    event: paid({ orderId: held.orderId, userId: buyer.id, paymentId, amountCents: cents * quantity }),
    now: minutes(1),
  });
  return { orderId: held.orderId, paymentId };
}

const join = (eventId: string, ticketTypeId: string, userId: string, now = minutes(2)) =>
  joinWaitlist({ db: t.db, workspaceId, eventId, ticketTypeId, userId, quantity: 1, tierIds: [], now });

async function mailTo(address: string) {
  return t.db.select().from(emails).where(eq(emails.to, address)).orderBy(emails.createdAt);
}

function offerToken(text: string) {
  const match = /\/offers\/([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error("no offer link in the email");
  return match[1];
}

function icsOf(email: { attachments: { content: string }[] }) {
  const calendar = new ICAL.Component(ICAL.parse(email.attachments[0].content));
  const vevent = calendar.getFirstSubcomponent("vevent")!;
  return {
    method: calendar.getFirstPropertyValue("method"),
    uid: vevent.getFirstPropertyValue("uid"),
    sequence: vevent.getFirstPropertyValue("sequence"),
    attendee: vevent.getFirstPropertyValue("attendee"),
    start: new ICAL.Event(vevent).startDate.toJSDate(),
  };
}

describe("refunds started at the provider", () => {
  it("a full refund ends the tickets and their grants, frees the seats and offers them to the waitlist", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 2, types: [{ priceCents: 1500 }] });
    const [buyer, waiter] = await insertBuyers(t.db, 2, `prov-${seq}`);
    const { orderId, paymentId } = await buy(event.id, types[0].id, buyer, 2, 1500);
    await join(event.id, types[0].id, waiter.id);

    const partial = await applyPaymentEvent({ db: t.db, event: refunded(paymentId, 500, false), now: minutes(3) });
    expect(partial).toMatchObject({ outcome: "applied", detail: expect.stringContaining("partial refund") });
    expect(await seatCounts(t.db, event.id, minutes(3))).toEqual({ sold: 2, held: 0 });
    const full = await applyPaymentEvent({ db: t.db, event: refunded(paymentId, 2500, true), now: minutes(4) });
    expect(full).toMatchObject({ outcome: "applied" });

    const [order] = await t.db.select().from(orders).where(eq(orders.id, orderId));
    expect(order).toMatchObject({ status: "refunded", refundedCents: 3000, refundDueCents: 0 });
    const orderTickets = await t.db.select().from(tickets).where(eq(tickets.orderId, orderId));
    expect(orderTickets.map((ticket) => ticket.status)).toEqual(["refunded", "refunded"]);
    const ticketGrants = await t.db.select().from(grants).where(eq(grants.eventId, event.id));
    expect(ticketGrants.map((grant) => grant.status)).toEqual(["refunded", "refunded"]);
    // One seat freed is held for the waiter (their offer); the other is free to buy.
    expect(await seatCounts(t.db, event.id, minutes(4))).toEqual({ sold: 0, held: 1 });
    const [entry] = await t.db.select().from(waitlistEntries).where(eq(waitlistEntries.userId, waiter.id));
    expect(entry.status).toBe("offered");
  });

  it("refunds a second, different payment for an already paid order and tells the buyer why", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 5, types: [{ priceCents: 1000 }] });
    const [buyer] = await insertBuyers(t.db, 1, `second-${seq}`);
    const { orderId } = await buy(event.id, types[0].id, buyer, 1, 1000);
    const second = paid({ orderId, userId: buyer.id, paymentId: `pi_second_${seq}`, amountCents: 1000 });
    expect(await applyPaymentEvent({ db: t.db, event: second, now: minutes(5) })).toMatchObject({
      outcome: "applied",
      detail: expect.stringContaining("refund of 1000 due"),
    });
    // Redelivered under another event id: recorded once.
    expect(
      await applyPaymentEvent({ db: t.db, event: { ...second, eventId: `evt_again_${seq}` }, now: minutes(6) }),
    ).toMatchObject({ outcome: "ignored" });
    expect(await seatCounts(t.db, event.id, minutes(6))).toEqual({ sold: 1, held: 0 });
    const [stray] = await t.db
      .select()
      .from(orders)
      .where(eq(orders.paymentId, `pi_second_${seq}`));
    expect(stray).toMatchObject({ status: "refunded", refundDueCents: 1000, totalCents: 1000 });
    expect((await mailTo(buyer.email)).map((mail) => mail.subject)).toContain(
      `A second payment for ${event.title} is being refunded`,
    );
    const { provider, refunds } = recordingProvider();
    expect(await settleDueRefunds({ db: t.db, provider, now: minutes(7) })).toMatchObject({ refunded: 1 });
    expect(refunds).toEqual([
      expect.objectContaining({ paymentId: `pi_second_${seq}`, amountCents: 1000, idempotencyKey: expect.any(String) }),
    ]);
  });

  it("the sandbox answers a repeated idempotency key with the first refund and refunds once", async () => {
    const [buyer] = await insertBuyers(t.db, 1, `idem-${seq}`);
    await t.db.insert(sandboxPayments).values({
      id: `sbpay_idem_${seq}`,
      workspaceId,
      userId: buyer.id,
      status: "succeeded",
      amountCents: 3000,
      currency: "usd",
    });
    const ask = () =>
      refundSandboxPayment({
        db: t.db,
        workspaceId,
        paymentId: `sbpay_idem_${seq}`,
        amountCents: 1000,
        idempotencyKey: "order-x-refunded-0-due-1000",
        now: NOW,
      });
    const first = await ask();
    const again = await ask();
    expect(again).toEqual(first);
    const [payment] = await t.db
      .select()
      .from(sandboxPayments)
      .where(eq(sandboxPayments.id, `sbpay_idem_${seq}`));
    expect(payment.refundedCents).toBe(1000);
  });
});

describe("cancellations by the buyer and the creator", () => {
  it("lets the buyer cancel within the creator's window: seats freed, waitlist offered, money owed back", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 1, types: [{ priceCents: 2000 }] });
    const [buyer, waiter, stranger] = await insertBuyers(t.db, 3, `own-${seq}`);
    const { orderId } = await buy(event.id, types[0].id, buyer, 1, 2000);
    await join(event.id, types[0].id, waiter.id);
    const cancel = (userId: string, now: Date) =>
      cancelOwnOrder({ db: t.db, workspaceId, orderId, userId, now, appUrl: APP_URL });

    await expect(cancel(buyer.id, minutes(5))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await t.db.update(events).set({ refundWindowHours: 48 }).where(eq(events.id, event.id));
    await expect(cancel(stranger.id, minutes(5))).rejects.toMatchObject({ code: "NOT_FOUND" });
    const tooLate = new Date(EVENT_START.getTime() - 47 * 3600_000);
    await expect(cancel(buyer.id, tooLate)).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });

    expect(await cancel(buyer.id, minutes(5))).toMatchObject({ status: "refunded", refundDueCents: 2000 });
    expect(await seatCounts(t.db, event.id, minutes(5))).toEqual({ sold: 0, held: 1 });
    const [entry] = await t.db.select().from(waitlistEntries).where(eq(waitlistEntries.userId, waiter.id));
    expect(entry.status).toBe("offered");
    expect((await mailTo(buyer.email)).map((mail) => mail.subject)).toContain(
      `Your tickets for ${event.title} are canceled`,
    );
    await expect(cancel(buyer.id, minutes(6))).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("lets the creator refund part of an order without ending its tickets", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 3, types: [{ priceCents: 1000 }] });
    const [buyer] = await insertBuyers(t.db, 1, `part-${seq}`);
    const { orderId } = await buy(event.id, types[0].id, buyer, 2, 1000);
    const result = await cancelOrder({
      db: t.db,
      workspaceId,
      orderId,
      cancelTickets: false,
      refundCents: 500,
      actorUserId: null,
      now: minutes(5),
      appUrl: APP_URL,
    });
    expect(result).toMatchObject({ status: "partially_refunded", refundDueCents: 500 });
    expect(await seatCounts(t.db, event.id, minutes(5))).toEqual({ sold: 2, held: 0 });
  });
});

describe("transfers", () => {
  it("moves the ticket and its grant to the recipient, rotates the QR secret and takes no capacity", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 1, types: [{ priceCents: 1000 }] });
    const [holder, other] = await insertBuyers(t.db, 2, `xfer-${seq}`);
    const { orderId } = await buy(event.id, types[0].id, holder, 1, 1000);
    const [before] = await t.db.select().from(tickets).where(eq(tickets.orderId, orderId));
    const recipientEmail = `friend-${seq}@example.test`;
    const transfer = (fromUserId: string, toEmail = recipientEmail) =>
      transferTicket({
        db: t.db,
        workspaceId,
        ticketId: before.id,
        fromUserId,
        fromName: "Holder",
        toEmail,
        toName: "Friend",
        appUrl: APP_URL,
        now: minutes(5),
        meta: META,
      });
    await expect(transfer(other.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(transfer(holder.id, holder.email)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const result = await transfer(holder.id);
    expect(result.secretVersion).toBe(before.secretVersion + 1);

    const [after] = await t.db.select().from(tickets).where(eq(tickets.id, before.id));
    expect(after).toMatchObject({ status: "valid", holderUserId: result.holderUserId });
    expect(after.secretVersion).toBe(before.secretVersion + 1);
    expect(await seatCounts(t.db, event.id, minutes(5))).toEqual({ sold: 1, held: 0 });
    const [supporter] = await t.db
      .select()
      .from(supporters)
      .where(and(eq(supporters.workspaceId, workspaceId), eq(supporters.userId, result.holderUserId)));
    expect(supporter).toBeDefined();
    const gated = { visibility: "ticket_holders" as const, eventId: event.id };
    const oldViewer = await loadViewer({ db: t.db, workspaceId, auth: { user: { id: holder.id } } });
    const newViewer = await loadViewer({ db: t.db, workspaceId, auth: { user: { id: result.holderUserId } } });
    expect(decideAccess(gated, oldViewer, minutes(6)).allowed).toBe(false);
    expect(decideAccess(gated, newViewer, minutes(6)).allowed).toBe(true);
    const [mail] = await mailTo(recipientEmail);
    expect(mail.subject).toContain("sent you a ticket");
    expect(icsOf(mail)).toMatchObject({ method: "REQUEST", attendee: `MAILTO:${recipientEmail}` });
    // The old holder can no longer pass it on.
    await expect(transfer(holder.id, `third-${seq}@example.test`)).rejects.toMatchObject({ code: "NOT_FOUND" });

    // A provider refund of the original payment still ends the transferred ticket and frees its seat.
    const [order] = await t.db.select().from(orders).where(eq(orders.id, orderId));
    await applyPaymentEvent({ db: t.db, event: refunded(order.paymentId!, 1000, true), now: minutes(7) });
    expect(await seatCounts(t.db, event.id, minutes(7))).toEqual({ sold: 0, held: 0 });
    const newViewerLater = await loadViewer({ db: t.db, workspaceId, auth: { user: { id: result.holderUserId } } });
    expect(decideAccess(gated, newViewerLater, minutes(8)).allowed).toBe(false);
  });
});

describe("canceling a whole event", () => {
  it("ends every ticket, owes every paid order back, emails every holder a CANCEL and resumes after a failure", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 10, types: [{ priceCents: 1200 }] });
    const [a, b, waiter] = await insertBuyers(t.db, 3, `evcancel-${seq}`);
    const first = await buy(event.id, types[0].id, a, 2, 1200);
    const second = await buy(event.id, types[0].id, b, 1, 1200);
    const pending = await reserve(event.id, waiter.id, types[0].id, 1, minutes(2));
    const cancel = () =>
      cancelEvent({
        db: t.db,
        workspaceId,
        eventId: event.id,
        reason: "The venue flooded.",
        actorUserId: a.id,
        appUrl: APP_URL,
        now: minutes(10),
        meta: META,
      });
    expect(await cancel()).toMatchObject({ status: "canceled", refundsPending: 2, refundsDone: 0 });
    expect(await seatCounts(t.db, event.id, minutes(10))).toEqual({ sold: 0, held: 0 });
    const [pendingOrder] = await t.db.select().from(orders).where(eq(orders.id, pending.orderId));
    expect(pendingOrder.status).toBe("canceled");
    const ticketGrants = await t.db.select().from(grants).where(eq(grants.eventId, event.id));
    expect(ticketGrants.every((grant) => grant.status === "canceled")).toBe(true);

    const [mailA] = (await mailTo(a.email)).filter((mail) => mail.subject.startsWith("Canceled"));
    expect(mailA.text).toContain("The venue flooded.");
    expect(mailA.text).toContain("$24.00");
    const cancelIcs = icsOf(mailA);
    const [confirmation] = (await mailTo(a.email)).filter((mail) => mail.subject.startsWith("Your ticket"));
    expect(cancelIcs.method).toBe("CANCEL");
    expect(cancelIcs.uid).toBe(icsOf(confirmation).uid);
    expect(Number(cancelIcs.sequence)).toBeGreaterThan(Number(icsOf(confirmation).sequence));

    // The provider fails on the first refund: the other is paid, the failed one stays owed for the next run.
    const { provider, refunds } = recordingProvider(1);
    expect(await settleDueRefunds({ db: t.db, provider, now: minutes(11), eventId: event.id })).toEqual({
      refunded: 1,
      failed: 1,
    });
    expect(await cancellationStatus({ db: t.db, workspaceId, eventId: event.id })).toMatchObject({
      refundsPending: 1,
      refundsDone: 1,
    });
    expect(await settleDueRefunds({ db: t.db, provider, now: minutes(12), eventId: event.id })).toEqual({
      refunded: 1,
      failed: 0,
    });
    expect(refunds.map((r) => [r.paymentId, r.amountCents]).sort()).toEqual(
      [
        [first.paymentId, 2400],
        [second.paymentId, 1200],
      ].sort(),
    );
    // Canceling again is a no-op that reports the same status; no second email.
    expect(await cancel()).toMatchObject({ status: "canceled", refundsPending: 0, refundsDone: 2 });
    expect((await mailTo(b.email)).filter((mail) => mail.subject.startsWith("Canceled"))).toHaveLength(1);
  });
});

describe("waitlist offers from the email link", () => {
  it("accepts a free offer into a ticket, declines pass it on, and an offer dies at its expiry (frozen clock)", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 1, offerHours: 12 });
    const [holder, first, second, third] = await insertBuyers(t.db, 4, `offer-${seq}`);
    const rsvp = await reserve(event.id, holder.id, types[0].id);
    for (const [i, person] of [first, second, third].entries())
      await join(event.id, types[0].id, person.id, minutes(i + 1));
    await cancelOrder({
      db: t.db,
      workspaceId,
      orderId: rsvp.orderId,
      cancelTickets: true,
      refundCents: 0,
      actorUserId: null,
      now: minutes(10),
      appUrl: APP_URL,
    });
    const firstToken = offerToken((await mailTo(first.email))[0].text);
    const opts = { db: t.db, workspaceId, appUrl: APP_URL };
    // Only the person it was made to sees it.
    await expect(getOffer({ ...opts, token: firstToken, userId: second.id, now: minutes(11) })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await getOffer({ ...opts, token: firstToken, userId: first.id, now: minutes(11) })).toMatchObject({
      state: "open",
      quantity: 1,
    });

    // Frozen clock: at the offer's expiry it is dead even before the sweep runs, then the sweep passes it on.
    const expiry = new Date(minutes(10).getTime() + 12 * 3600_000);
    const justBefore = new Date(expiry.getTime() - 1000);
    expect(await getOffer({ ...opts, token: firstToken, userId: first.id, now: justBefore })).toMatchObject({
      state: "open",
    });
    expect(await getOffer({ ...opts, token: firstToken, userId: first.id, now: expiry })).toMatchObject({
      state: "expired",
    });
    const { provider } = recordingProvider();
    await expect(
      acceptOffer({ ...opts, provider: () => provider, token: firstToken, userId: first.id, now: expiry }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await sweepLapsedHolds({ db: t.db, now: expiry, appUrl: APP_URL })).toMatchObject({ offered: 1 });

    const secondToken = offerToken((await mailTo(second.email))[0].text);
    expect(await declineOffer({ ...opts, token: secondToken, userId: second.id, now: expiry })).toEqual({
      declined: true,
    });
    const thirdToken = offerToken((await mailTo(third.email))[0].text);
    const accepted = await acceptOffer({
      ...opts,
      provider: () => provider,
      token: thirdToken,
      userId: third.id,
      now: expiry,
    });
    expect(accepted).toMatchObject({ kind: "issued" });
    expect(await seatCounts(t.db, event.id, expiry)).toEqual({ sold: 1, held: 0 });
    expect(await getOffer({ ...opts, token: thirdToken, userId: third.id, now: expiry })).toMatchObject({
      state: "accepted",
    });
    await expect(
      acceptOffer({ ...opts, provider: () => provider, token: thirdToken, userId: third.id, now: expiry }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    // Tokens are stored only as hashes.
    const entries = await t.db.select().from(waitlistEntries).where(eq(waitlistEntries.eventId, event.id));
    expect(entries.some((entry) => entry.offerTokenHash === thirdToken)).toBe(false);
  });

  it("opens the provider's checkout for a paid offer, carrying the offer's hold", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 1, types: [{ priceCents: 900 }] });
    const [holder, waiter] = await insertBuyers(t.db, 2, `paidoffer-${seq}`);
    const { orderId } = await buy(event.id, types[0].id, holder, 1, 900);
    await join(event.id, types[0].id, waiter.id);
    await cancelOrder({
      db: t.db,
      workspaceId,
      orderId,
      cancelTickets: true,
      refundCents: 900,
      actorUserId: null,
      now: minutes(10),
      appUrl: APP_URL,
    });
    const token = offerToken((await mailTo(waiter.email))[0].text);
    const { provider } = recordingProvider();
    const result = await acceptOffer({
      db: t.db,
      provider: () => provider,
      workspaceId,
      token,
      userId: waiter.id,
      appUrl: APP_URL,
      now: minutes(11),
    });
    expect(result).toMatchObject({ kind: "checkout", url: expect.stringContaining("/sandbox/checkout/") });
    await applyPaymentEvent({
      db: t.db,
      event: paid({ orderId: result.orderId, userId: waiter.id, paymentId: `pi_offer_${seq}`, amountCents: 900 }),
      now: minutes(12),
    });
    const [entry] = await t.db.select().from(waitlistEntries).where(eq(waitlistEntries.userId, waiter.id));
    expect(entry.status).toBe("converted");
  });
});

describe("attendee emails", () => {
  it("confirms with an invitation, reminds 24 h and 1 h before once each, and sends changes with a higher SEQUENCE", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 5 });
    const [a] = await insertBuyers(t.db, 1, `notice-${seq}`);
    await reserve(event.id, a.id, types[0].id, 2);
    const [confirmation] = await mailTo(a.email);
    expect(confirmation.subject).toBe(`Your ticket for ${event.title}`);
    expect(icsOf(confirmation)).toMatchObject({ method: "REQUEST", attendee: `MAILTO:${a.email}` });
    expect(confirmation.attachments[0].contentType).toContain("method=REQUEST");

    const dayBefore = new Date(EVENT_START.getTime() - 23 * 3600_000);
    const remind = (now: Date) => sendEventReminders({ db: t.db, now, appUrl: APP_URL });
    await remind(new Date(EVENT_START.getTime() - 25 * 3600_000));
    await remind(dayBefore);
    await remind(dayBefore);
    await remind(new Date(EVENT_START.getTime() - 30 * 60_000));
    await remind(new Date(EVENT_START.getTime() - 20 * 60_000));
    const subjects = (await mailTo(a.email)).map((mail) => mail.subject);
    // Two seats, one person: one email per reminder.
    expect(subjects.filter((s) => s.includes("starts tomorrow"))).toHaveLength(1);
    expect(subjects.filter((s) => s.includes("starts in an hour"))).toHaveLength(1);

    const [before] = await t.db.select().from(events).where(eq(events.id, event.id));
    const movedStart = new Date(EVENT_START.getTime() + 3600_000);
    const [after] = await t.db
      .update(events)
      .set({ startsAt: movedStart, endsAt: new Date(movedStart.getTime() + 2 * 3600_000) })
      .where(eq(events.id, event.id))
      .returning();
    expect(await t.db.transaction((tx) => recordEventChange({ tx, before, after, appUrl: APP_URL }))).toEqual({
      notified: 1,
    });
    const change = (await mailTo(a.email)).find((mail) => mail.subject.startsWith("Changed"))!;
    const ics = icsOf(change);
    expect(ics).toMatchObject({ method: "REQUEST", uid: icsOf(confirmation).uid });
    expect(Number(ics.sequence)).toBe(Number(icsOf(confirmation).sequence) + 1);
    expect(ics.start.toISOString()).toBe(movedStart.toISOString());
    // A title edit changes no invitation.
    const [retitled] = await t.db.update(events).set({ title: "Renamed" }).where(eq(events.id, event.id)).returning();
    expect(
      await t.db.transaction((tx) => recordEventChange({ tx, before: after, after: retitled, appUrl: APP_URL })),
    ).toEqual({
      notified: 0,
    });
  });
});
