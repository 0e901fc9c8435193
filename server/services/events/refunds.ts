import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { events, orders, tickets, users } from "../../../db/schema";
import type { LedgerEffect } from "../audience/ledger";
import type { PaymentEvent } from "../audience/payment-events";
import { recordEmail } from "../email/outbox";
import { formatMoney } from "../../lib/money";
import { secondPaymentRefundEmail } from "./emails";
import { lockEventCapacity } from "./locks";
import { endTicketGrants } from "./tickets";
import { eventUrl, settleEventCapacity } from "./waitlist";

type PaymentRefunded = Extract<PaymentEvent, { type: "payment.refunded" }>;
type PaymentSucceeded = Extract<PaymentEvent, { type: "payment.succeeded" }>;

/**
 * A refund reported by the provider for a ticket order's payment (ADR 032), in the ledger's transaction under the
 * event's lock. Refunds Greenroom asked for (a cancellation, a creator's refund, a canceled event) have already
 * ended their tickets and count as `refund_due_cents` until `settleDueRefunds` moves them, so they change nothing
 * here. A refund started at the provider (the creator's Stripe dashboard, the sandbox controls) does the rest: a
 * full one ends the order's valid tickets and their grants (wherever a transfer moved them), frees the seats and
 * offers them to the waitlist; either kind adds to the order's refunded amount.
 */
export async function applyTicketRefund(opts: {
  tx: DbOrTx;
  event: PaymentRefunded;
  now: Date;
  appUrl: string;
}): Promise<LedgerEffect | null> {
  const { tx, event, now } = opts;
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.paymentId, event.paymentId), eq(orders.workspaceId, event.workspaceId)));
  if (!order) return null;
  const orderTickets = await tx
    .select({ ticketTypeId: tickets.ticketTypeId })
    .from(tickets)
    .where(eq(tickets.orderId, order.id));
  await lockEventCapacity(
    tx,
    order.eventId,
    orderTickets.map((ticket) => ticket.ticketTypeId),
  );
  const [current] = await tx.select().from(orders).where(eq(orders.id, order.id));
  // Greenroom's own request in flight: its effects were applied when it was decided.
  const ours = current.refundDueCents > 0;
  if (!ours)
    await tx
      .update(orders)
      .set({
        refundedCents: sql`least(${orders.totalCents}, ${orders.refundedCents} + ${event.amountRefundedCents})`,
        status: event.fullyRefunded ? "refunded" : current.status === "paid" ? "partially_refunded" : current.status,
        canceledAt: event.fullyRefunded ? (current.canceledAt ?? now) : current.canceledAt,
        endedReason: event.fullyRefunded ? (current.endedReason ?? "Refunded by the organiser.") : current.endedReason,
        updatedAt: now,
      })
      .where(eq(orders.id, order.id));
  if (!event.fullyRefunded) return { outcome: "applied", detail: `partial refund of order ${order.id}` };
  const ended = await tx
    .update(tickets)
    .set({ status: "refunded", updatedAt: now })
    .where(and(eq(tickets.orderId, order.id), eq(tickets.status, "valid")))
    .returning({ grantId: tickets.grantId });
  await endTicketGrants({
    tx,
    workspaceId: order.workspaceId,
    grantIds: ended.flatMap((ticket) => (ticket.grantId ? [ticket.grantId] : [])),
    status: "refunded",
    reason: "Payment refunded",
    now,
  });
  if (ended.length > 0) {
    const [eventRow] = await tx.select().from(events).where(eq(events.id, order.eventId));
    await settleEventCapacity({ tx, event: eventRow, now, appUrl: opts.appUrl });
  }
  return {
    outcome: "applied",
    detail: `order ${order.id} refunded; ${ended.length} ticket(s) ended and their seats freed`,
    userId: order.userId,
  };
}

/**
 * A second, different payment for an order another payment already completed (two tabs, a retried checkout): it is
 * recorded as an order of its own with no tickets that owes the whole amount back, so `settleDueRefunds` refunds it
 * like any other debt, and the buyer is told why. `orders.payment_id` is unique, so a redelivery of this payment
 * under a new event id records it once.
 */
export async function refundSecondPayment(opts: {
  tx: DbOrTx;
  event: PaymentSucceeded;
  order: typeof orders.$inferSelect;
  now: Date;
  appUrl: string;
}) {
  const { tx, event, order, now } = opts;
  const [recorded] = await tx
    .insert(orders)
    .values({
      workspaceId: order.workspaceId,
      eventId: order.eventId,
      userId: order.userId,
      status: "refunded",
      subtotalCents: event.amountCents,
      totalCents: event.amountCents,
      refundDueCents: event.amountCents,
      currency: event.currency,
      provider: event.provider,
      checkoutId: null,
      paymentId: event.paymentId,
      paidAt: now,
      canceledAt: now,
      endedReason: `Order ${order.id} had already been paid; this second payment is refunded in full.`,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: orders.id });
  if (!recorded) return null;
  const [buyer] = order.userId
    ? await tx.select({ email: users.email }).from(users).where(eq(users.id, order.userId))
    : [];
  const [eventRow] = await tx.select({ title: events.title }).from(events).where(eq(events.id, order.eventId));
  if (buyer)
    await recordEmail({
      db: tx,
      to: buyer.email,
      content: secondPaymentRefundEmail({
        eventTitle: eventRow.title,
        amount: formatMoney(event.amountCents, event.currency),
        url: eventUrl(opts.appUrl, order.workspaceId, order.eventId),
      }),
    });
  return recorded.id;
}

/** Orders whose money is owed back, for the creator's view of a canceled event ("3 refunds pending"). */
export function pendingRefunds(db: DbOrTx, eventIds: readonly string[]) {
  return db
    .select({ eventId: orders.eventId, count: sql<number>`count(*)::int` })
    .from(orders)
    .where(and(inArray(orders.eventId, [...eventIds]), sql`${orders.refundDueCents} > 0`))
    .groupBy(orders.eventId);
}
