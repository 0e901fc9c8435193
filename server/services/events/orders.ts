import { and, eq, gt, gte, inArray, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { events, holds, orders, tickets, users, waitlistEntries, type OrderStatus } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { PROVIDER_ACTOR } from "../audience/grants";
import { registerTicketPaymentHandler, type LedgerEffect } from "../audience/ledger";
import type { PaymentEvent } from "../audience/payment-events";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { recordEmail } from "../email/outbox";
import type { PaymentsProviderApi } from "../payments/provider";
import { readAvailability, remainingFor, takeSeats } from "./capacity";
import { applyTicketRefund, refundSecondPayment } from "./refunds";
import { formatMoney } from "../../lib/money";
import { lateRefundEmail, orderCanceledEmail } from "./emails";
import { lockEventCapacity } from "./locks";
import { recordTicketConfirmations } from "./notices";
import { endTicketGrants, issueTickets } from "./tickets";
import { eventUrl, settleEventCapacity } from "./waitlist";

/**
 * The payments engineer's provider (server/services/payments/provider.ts) takes the checkouts and refunds; its
 * `payment.succeeded` / `checkout.expired` events reach `applyTicketOrderEvent` through the ledger.
 */
export type TicketPaymentProvider = Pick<PaymentsProviderApi, "provider" | "createCheckout" | "refund">;

/** Stripe Checkout (and the sandbox) accept expiries 30 minutes to 24 hours ahead; a few seconds' margin. */
const MIN_CHECKOUT_LIFETIME_MS = 30 * 60_000 + 5_000;

type TicketPaymentEvent = Extract<PaymentEvent, { type: "payment.succeeded" | "checkout.expired" }>;

export type TicketOrderOutcome =
  | { outcome: "issued"; orderId: string; ticketIds: string[]; late: boolean }
  | { outcome: "already_applied"; orderId: string }
  | { outcome: "refund_due"; orderId: string; amountCents: number }
  | { outcome: "released"; orderId: string }
  | { outcome: "ignored"; detail: string };

/**
 * The ledger's handler for `purpose.kind = ticket_order` (ADR 029). Runs in the ledger's transaction, which has
 * recorded the provider event once; this takes the event's lock so it serialises with every reservation.
 *
 * - payment.succeeded: a pending order with live holds converts them into tickets. A payment whose holds lapsed
 *   completes if the seats are still free, and otherwise owes a full refund (paid after commit by
 *   `settleDueRefunds`) and tells the buyer why. `orders.payment_id` is unique, so one payment issues tickets once.
 * - checkout.expired: releases the order's holds and offers the seats to the waitlist in the same transaction.
 */
export async function applyTicketOrderEvent(opts: {
  tx: DbOrTx;
  event: TicketPaymentEvent;
  now: Date;
  appUrl: string;
}): Promise<TicketOrderOutcome> {
  const { tx, event, now } = opts;
  if (event.purpose.kind !== "ticket_order") return { outcome: "ignored", detail: "not a ticket order" };
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.id, event.purpose.orderId), eq(orders.workspaceId, event.workspaceId)));
  if (!order) return { outcome: "ignored", detail: "unknown order" };
  const orderHolds = await tx.select().from(holds).where(eq(holds.orderId, order.id));
  await lockEventCapacity(
    tx,
    order.eventId,
    orderHolds.map((hold) => hold.ticketTypeId),
  );
  // Read again under the lock: a concurrent delivery may have changed it while this one waited.
  const [current] = await tx.select().from(orders).where(eq(orders.id, order.id));
  const [eventRow] = await tx.select().from(events).where(eq(events.id, order.eventId));

  if (event.type === "checkout.expired") {
    if (current.status !== "pending" || current.paymentId) return { outcome: "ignored", detail: "not pending" };
    await tx
      .update(holds)
      .set({ status: "released", updatedAt: now })
      .where(and(eq(holds.orderId, order.id), eq(holds.status, "held")));
    await tx
      .update(orders)
      .set({ status: "canceled", canceledAt: now, endedReason: "The checkout expired.", updatedAt: now })
      .where(eq(orders.id, order.id));
    await settleEventCapacity({ tx, event: eventRow, now, appUrl: opts.appUrl });
    return { outcome: "released", orderId: order.id };
  }

  if (current.paymentId === event.paymentId) return { outcome: "already_applied", orderId: order.id };
  if (current.paymentId !== null || !["pending", "canceled"].includes(current.status)) {
    const strayOrderId = await refundSecondPayment({ tx, event, order: current, now, appUrl: opts.appUrl });
    return strayOrderId
      ? { outcome: "refund_due", orderId: strayOrderId, amountCents: event.amountCents }
      : { outcome: "ignored", detail: "second payment already recorded" };
  }

  const lines = orderHolds.map((hold) => ({
    ticketTypeId: hold.ticketTypeId,
    quantity: hold.quantity,
    unitPriceCents: hold.unitPriceCents,
  }));
  const live = orderHolds.filter((hold) => hold.status === "held" && hold.expiresAt > now);
  let seatsFree = live.length === orderHolds.length && current.status === "pending";
  if (!seatsFree) {
    // Late payment: the order's own live holds are not in the way of itself.
    const availability = await readAvailability(tx, order.eventId, now);
    for (const hold of live) {
      const type = availability.types.get(hold.ticketTypeId);
      if (type) {
        type.held -= hold.quantity;
        availability.held -= hold.quantity;
      }
    }
    seatsFree =
      eventRow.status === "published" &&
      lines.every((line) => {
        const ok = remainingFor(availability, line.ticketTypeId) >= line.quantity;
        takeSeats(availability, line.ticketTypeId, line.quantity, "sold");
        return ok;
      });
  }

  if (!seatsFree) {
    await tx
      .update(holds)
      .set({ status: "released", updatedAt: now })
      .where(and(eq(holds.orderId, order.id), eq(holds.status, "held")));
    await tx
      .update(orders)
      .set({
        status: "refunded",
        paymentId: event.paymentId,
        provider: event.provider,
        refundDueCents: event.amountCents,
        canceledAt: now,
        endedReason: "The payment arrived after the reserved seats had been released and the event sold out.",
        updatedAt: now,
      })
      .where(eq(orders.id, order.id));
    const [buyer] = current.userId
      ? await tx.select({ email: users.email }).from(users).where(eq(users.id, current.userId))
      : [];
    if (buyer)
      await recordEmail({
        db: tx,
        to: buyer.email,
        content: lateRefundEmail({
          eventTitle: eventRow.title,
          amount: formatMoney(event.amountCents, event.currency),
          url: eventUrl(opts.appUrl, eventRow.workspaceId, eventRow.id),
        }),
      });
    await settleEventCapacity({ tx, event: eventRow, now, appUrl: opts.appUrl });
    return { outcome: "refund_due", orderId: order.id, amountCents: event.amountCents };
  }

  await tx
    .update(holds)
    .set({ status: "converted", updatedAt: now })
    .where(and(eq(holds.orderId, order.id), inArray(holds.status, ["held", "expired", "released"])));
  await tx
    .update(orders)
    .set({
      status: "paid",
      paymentId: event.paymentId,
      provider: event.provider,
      checkoutId: current.checkoutId ?? event.checkoutId,
      paidAt: now,
      canceledAt: null,
      endedReason: null,
      updatedAt: now,
    })
    .where(eq(orders.id, order.id));
  const ticketIds = await issueTickets({
    tx,
    workspaceId: order.workspaceId,
    eventId: order.eventId,
    orderId: order.id,
    holderUserId: event.purpose.userId,
    lines,
    paymentId: event.paymentId,
    source: "payment",
    actor: PROVIDER_ACTOR,
    now,
  });
  const offerEntryIds = orderHolds.flatMap((hold) => (hold.waitlistEntryId ? [hold.waitlistEntryId] : []));
  if (offerEntryIds.length > 0)
    await tx
      .update(waitlistEntries)
      .set({ status: "converted", updatedAt: now })
      .where(inArray(waitlistEntries.id, offerEntryIds));
  await recordTicketConfirmations({ tx, event: eventRow, holderUserId: event.purpose.userId, appUrl: opts.appUrl });
  return { outcome: "issued", orderId: order.id, ticketIds, late: live.length !== orderHolds.length };
}

/**
 * Opens the provider's checkout for a pending order. The checkout carries the hold: both expire at the same moment.
 * Providers refuse a checkout that expires sooner than 30 minutes, so a shorter hold is extended to that when its
 * checkout opens (a live hold keeps counting, so extending it needs no lock).
 */
export async function startTicketCheckout(opts: {
  db: Database;
  provider: TicketPaymentProvider;
  workspaceId: string;
  orderId: string;
  userId: string;
  appUrl: string;
  now: Date;
  meta?: RequestMeta;
}) {
  const [order] = await opts.db
    .select({ order: orders, title: events.title, email: users.email })
    .from(orders)
    .innerJoin(events, eq(events.id, orders.eventId))
    .innerJoin(users, eq(users.id, orders.userId))
    .where(and(eq(orders.id, opts.orderId), eq(orders.workspaceId, opts.workspaceId), eq(orders.userId, opts.userId)));
  if (!order) throw notFound("Order");
  if (order.order.status !== "pending") throw new AppError("CONFLICT", "This order is no longer waiting for payment.");
  const expiresAt = new Date(opts.now.getTime() + MIN_CHECKOUT_LIFETIME_MS);
  // The extended hold, the provider's checkout record, the order's link to it and the audit row commit together.
  return opts.db.transaction(async (tx) => {
    const live = await tx
      .update(holds)
      .set({
        expiresAt: sql`greatest(${holds.expiresAt}, ${expiresAt.toISOString()}::timestamptz)`,
        updatedAt: opts.now,
      })
      .where(and(eq(holds.orderId, opts.orderId), eq(holds.status, "held"), gt(holds.expiresAt, opts.now)))
      .returning();
    if (live.length === 0) throw new AppError("CONFLICT", "Your reservation expired. Choose your tickets again.");
    const seats = live.reduce((sum, hold) => sum + hold.quantity, 0);
    const url = eventUrl(opts.appUrl, opts.workspaceId, order.order.eventId);
    const checkout = await opts.provider.createCheckout({
      db: tx,
      now: opts.now,
      request: {
        kind: "payment",
        workspaceId: opts.workspaceId,
        userId: opts.userId,
        customerEmail: order.email,
        purpose: { kind: "ticket_order", orderId: opts.orderId, userId: opts.userId },
        description: `${seats} × ${order.title}`,
        amountCents: order.order.totalCents,
        currency: order.order.currency,
        expiresAt: live[0].expiresAt,
        successUrl: `${url}?order=${opts.orderId}`,
        cancelUrl: url,
      },
    });
    await tx
      .update(orders)
      .set({ checkoutId: checkout.id, provider: opts.provider.provider, updatedAt: opts.now })
      .where(eq(orders.id, opts.orderId));
    await recordAudit({
      db: tx,
      action: "payments.checkout_requested",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { provider: opts.provider.provider, checkoutId: checkout.id, kind: "payment", purpose: "ticket_order" },
      meta: opts.meta ?? PROVIDER_ACTOR.meta,
      now: opts.now,
    });
    return checkout;
  });
}

/**
 * Cancels or refunds an order by the creator: with `cancelTickets` its valid tickets end, their grants end and the
 * seats go to the waitlist in the same transaction; `refundCents` (up to what is left of the payment) is owed back
 * and paid by `settleDueRefunds` after commit. A refund without `cancelTickets` is a partial refund of money only.
 */
export async function cancelOrder(opts: {
  db: Database;
  workspaceId: string;
  orderId: string;
  cancelTickets: boolean;
  refundCents: number;
  actorUserId: string | null;
  now: Date;
  appUrl: string;
  meta?: RequestMeta;
  /** The buyer's own cancellation: only their order, only within the event's refund window (checked under the lock). */
  asBuyer?: boolean;
}) {
  return opts.db.transaction(async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, opts.orderId), eq(orders.workspaceId, opts.workspaceId)));
    if (!order) throw notFound("Order");
    const orderTickets = await tx.select().from(tickets).where(eq(tickets.orderId, order.id));
    await lockEventCapacity(
      tx,
      order.eventId,
      orderTickets.map((ticket) => ticket.ticketTypeId),
    );
    const [current] = await tx.select().from(orders).where(eq(orders.id, order.id));
    if (opts.asBuyer) {
      const [eventRow] = await tx.select().from(events).where(eq(events.id, order.eventId));
      await assertBuyerMayCancel({ tx, order: current, event: eventRow, tickets: orderTickets, now: opts.now });
    }
    if (!["paid", "partially_refunded"].includes(current.status))
      throw new AppError("CONFLICT", "Only a completed order can be canceled or refunded.");
    const refundable = current.totalCents - current.refundedCents - current.refundDueCents;
    if (!Number.isInteger(opts.refundCents) || opts.refundCents < 0 || opts.refundCents > refundable)
      throw new AppError("BAD_REQUEST", `At most ${refundable} can be refunded.`, {
        fieldErrors: { refundCents: [`At most ${refundable}.`] },
      });
    if (opts.refundCents > 0 && !current.paymentId)
      throw new AppError("BAD_REQUEST", "This order has no payment to refund.");
    if (!opts.cancelTickets && opts.refundCents === 0)
      throw new AppError("BAD_REQUEST", "Choose an amount to refund or cancel the tickets.");

    if (opts.cancelTickets) {
      const ended = await tx
        .update(tickets)
        .set({ status: opts.refundCents > 0 ? "refunded" : "canceled", updatedAt: opts.now })
        .where(and(eq(tickets.orderId, order.id), eq(tickets.status, "valid")))
        .returning({ grantId: tickets.grantId });
      await endTicketGrants({
        tx,
        workspaceId: order.workspaceId,
        grantIds: ended.flatMap((t) => (t.grantId ? [t.grantId] : [])),
        status: opts.refundCents > 0 ? "refunded" : "canceled",
        reason: opts.refundCents > 0 ? "Order refunded." : "Order canceled.",
        actor: { userId: opts.actorUserId, meta: opts.meta ?? PROVIDER_ACTOR.meta },
        now: opts.now,
      });
    }
    const everythingBack = opts.refundCents === refundable && current.refundedCents + current.refundDueCents === 0;
    const status: OrderStatus = !opts.cancelTickets
      ? "partially_refunded"
      : opts.refundCents === 0
        ? "canceled"
        : everythingBack
          ? "refunded"
          : "partially_refunded";
    await tx
      .update(orders)
      .set({
        status,
        refundDueCents: sql`${orders.refundDueCents} + ${opts.refundCents}`,
        canceledAt: opts.cancelTickets ? opts.now : current.canceledAt,
        updatedAt: opts.now,
      })
      .where(eq(orders.id, order.id));
    await recordAudit({
      db: tx,
      action: opts.refundCents > 0 ? "order.refunded" : "order.canceled",
      actorUserId: opts.actorUserId,
      workspaceId: order.workspaceId,
      detail: { orderId: order.id, refundCents: opts.refundCents, ticketsEnded: opts.cancelTickets },
      meta: opts.meta ?? { ip: null, userAgent: null },
      now: opts.now,
    });
    const [eventRow] = await tx.select().from(events).where(eq(events.id, order.eventId));
    const [buyer] = current.userId
      ? await tx.select({ email: users.email }).from(users).where(eq(users.id, current.userId))
      : [];
    if (buyer && opts.cancelTickets)
      await recordEmail({
        db: tx,
        to: buyer.email,
        content: orderCanceledEmail({
          eventTitle: eventRow.title,
          refund: opts.refundCents > 0 ? formatMoney(opts.refundCents, current.currency) : null,
          url: eventUrl(opts.appUrl, eventRow.workspaceId, eventRow.id),
        }),
      });
    await settleEventCapacity({ tx, event: eventRow, now: opts.now, appUrl: opts.appUrl });
    return { orderId: order.id, status, refundDueCents: opts.refundCents };
  });
}

/**
 * The creator's policy (`events.refund_window_hours`): a buyer may cancel their whole order and get back what is
 * left of it until that many hours before the start; none if the creator set no window. An order one of whose
 * tickets was given to someone else stays: cancelling it would take the seat from a person who did not ask.
 */
async function assertBuyerMayCancel(opts: {
  tx: DbOrTx;
  order: typeof orders.$inferSelect;
  event: typeof events.$inferSelect;
  tickets: readonly (typeof tickets.$inferSelect)[];
  now: Date;
}) {
  const { order, event } = opts;
  if (order.userId === null) throw notFound("Order");
  if (event.status !== "published" || event.refundWindowHours === null)
    throw new AppError("PRECONDITION_FAILED", "The organiser does not take cancellations for this event.");
  const deadline = event.startsAt.getTime() - event.refundWindowHours * 3600_000;
  if (opts.now.getTime() > deadline)
    throw new AppError(
      "PRECONDITION_FAILED",
      `Cancellations closed ${event.refundWindowHours} hours before the start. Contact the organiser.`,
    );
  if (opts.tickets.some((ticket) => ticket.status === "valid" && ticket.holderUserId !== order.userId))
    throw new AppError("CONFLICT", "You gave a ticket of this order to someone else, so it cannot be canceled here.");
}

/** The buyer cancels their own order within the policy: every ticket ends and what is left of the payment is owed back. */
export async function cancelOwnOrder(opts: {
  db: Database;
  workspaceId: string;
  orderId: string;
  userId: string;
  now: Date;
  appUrl: string;
  meta?: RequestMeta;
}) {
  const [order] = await opts.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, opts.orderId), eq(orders.workspaceId, opts.workspaceId), eq(orders.userId, opts.userId)));
  if (!order) throw notFound("Order");
  return cancelOrder({
    db: opts.db,
    workspaceId: opts.workspaceId,
    orderId: order.id,
    cancelTickets: true,
    refundCents: order.paymentId ? order.totalCents - order.refundedCents - order.refundDueCents : 0,
    actorUserId: opts.userId,
    now: opts.now,
    appUrl: opts.appUrl,
    meta: opts.meta,
    asBuyer: true,
  });
}

/**
 * Pays refunds owed (decided in a committed transaction) at the provider, one order at a time, and only then moves
 * the amount from due to refunded. The idempotency key names the order and what it had been refunded before this
 * debt, so a crash between the provider call and the update asks again with the same key and the provider answers
 * with the first refund instead of paying twice; once recorded, the next debt of the order has a new key.
 */
export async function settleDueRefunds(opts: {
  db: Database;
  provider: Pick<PaymentsProviderApi, "refund">;
  now: Date;
  /** Only this event's debts (right after canceling it); the sweep pays everyone's. */
  eventId?: string;
  limit?: number;
}) {
  const due = await opts.db
    .select()
    .from(orders)
    .where(and(gt(orders.refundDueCents, 0), opts.eventId ? eq(orders.eventId, opts.eventId) : undefined))
    .limit(opts.limit ?? 50);
  let refunded = 0;
  let failed = 0;
  for (const order of due) {
    if (!order.paymentId) continue;
    try {
      await opts.provider.refund({
        db: opts.db,
        now: opts.now,
        request: {
          workspaceId: order.workspaceId,
          paymentId: order.paymentId,
          amountCents: order.refundDueCents,
          actorUserId: null,
          idempotencyKey: refundIdempotencyKey(order),
        },
      });
    } catch (error) {
      // One refusal (a payment the provider no longer refunds) must not hold up everyone else's money; the debt
      // stays visible on the order and the next run asks again.
      failed++;
      console.warn(
        JSON.stringify({ event: "events.refund_failed", orderId: order.id, error: (error as Error).message }),
      );
      continue;
    }
    const updated = await opts.db
      .update(orders)
      .set({
        refundedCents: sql`${orders.refundedCents} + ${order.refundDueCents}`,
        // A refund decided meanwhile stays owed for the next run.
        refundDueCents: sql`${orders.refundDueCents} - ${order.refundDueCents}`,
      })
      .where(and(eq(orders.id, order.id), gte(orders.refundDueCents, order.refundDueCents)))
      .returning({ id: orders.id });
    refunded += updated.length;
  }
  return { refunded, failed };
}

export function refundIdempotencyKey(order: { id: string; refundedCents: number; refundDueCents: number }) {
  return `order-${order.id}-refunded-${order.refundedCents}-due-${order.refundDueCents}`;
}

/**
 * Registers the events domain with the payment ledger (server/services/audience/ledger.ts): `ticket_order`
 * payments and expired checkouts come here, in the ledger's transaction. `appUrl` is for the links in the emails
 * those events may send (a late payment's refund notice, a waitlist offer); the app registers it with its config.
 */
export function registerEventsPaymentHandler(appUrl: string) {
  registerTicketPaymentHandler({
    paymentSucceeded: async ({ tx, event, now }) =>
      ledgerEffect(await applyTicketOrderEvent({ tx, event, now, appUrl })),
    checkoutExpired: async ({ tx, event, now }) =>
      ledgerEffect(await applyTicketOrderEvent({ tx, event, now, appUrl })),
    paymentRefunded: ({ tx, event, now }) => applyTicketRefund({ tx, event, now, appUrl }),
  });
}

function ledgerEffect(result: TicketOrderOutcome): LedgerEffect {
  switch (result.outcome) {
    case "issued":
      return {
        outcome: "applied",
        detail: `${result.late ? "late payment; " : ""}tickets issued for ${result.orderId}`,
      };
    case "refund_due":
      return { outcome: "applied", detail: `seats gone; refund of ${result.amountCents} due for ${result.orderId}` };
    case "released":
      return { outcome: "applied", detail: `holds of ${result.orderId} released` };
    case "already_applied":
      return { outcome: "ignored", detail: `payment already applied to ${result.orderId}` };
    case "ignored":
      return { outcome: "ignored", detail: result.detail };
  }
}
