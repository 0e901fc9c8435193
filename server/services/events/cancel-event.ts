import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { events, holds, orders, tickets, users, waitlistEntries } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { formatMoney } from "../../lib/money";
import { eventCanceledEmail } from "./emails";
import { lockEventCapacity } from "./locks";
import { recordCancellationNotices } from "./notices";
import { endTicketGrants } from "./tickets";
import { eventUrl } from "./waitlist";

/**
 * The creator cancels a whole event (issue 13 item 7, ADR 032). One transaction under the event's lock: the event
 * becomes `canceled` (SEQUENCE raised), every valid ticket ends with its grant, every live hold and waitlist offer
 * is released (an offer cannot be accepted for a canceled event), every paid order owes what is left of it back
 * (`refund_due_cents`), and every holder is emailed with a CANCEL invitation. The refunds themselves are asked of the
 * provider after commit by `settleDueRefunds` (now, and by the per-minute sweep until none is due), each with its
 * idempotency key: an interruption anywhere leaves debts the next run pays, never a refund paid twice or lost.
 * Canceling again changes nothing and reports the same status.
 */
export async function cancelEvent(opts: {
  db: Database;
  workspaceId: string;
  eventId: string;
  reason: string;
  actorUserId: string;
  appUrl: string;
  now: Date;
  meta: RequestMeta;
}) {
  await opts.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId)));
    if (!found) throw notFound("Event");
    await lockEventCapacity(tx, opts.eventId);
    const [before] = await tx.select().from(events).where(eq(events.id, opts.eventId));
    if (before.status === "canceled") return;
    if (before.status !== "published") throw new AppError("CONFLICT", "Only a published event can be canceled.");
    const [event] = await tx
      .update(events)
      .set({
        status: "canceled",
        canceledAt: opts.now,
        cancelReason: opts.reason,
        icsSequence: sql`${events.icsSequence} + 1`,
        updatedAt: opts.now,
      })
      .where(eq(events.id, before.id))
      .returning();

    // Who held what, read before the tickets end: each holder is told, with the refund when they paid for it.
    const held = await tx
      .select({ holderUserId: tickets.holderUserId, orderUserId: orders.userId, orderId: orders.id })
      .from(tickets)
      .innerJoin(orders, eq(orders.id, tickets.orderId))
      .where(and(eq(tickets.eventId, event.id), eq(tickets.status, "valid")));
    const ended = await tx
      .update(tickets)
      .set({ status: "canceled", updatedAt: opts.now })
      .where(and(eq(tickets.eventId, event.id), eq(tickets.status, "valid")))
      .returning({ grantId: tickets.grantId });
    await endTicketGrants({
      tx,
      workspaceId: event.workspaceId,
      grantIds: ended.flatMap((ticket) => (ticket.grantId ? [ticket.grantId] : [])),
      status: "canceled",
      reason: "Event canceled.",
      actor: { userId: opts.actorUserId, meta: opts.meta },
      now: opts.now,
    });

    const released = await tx
      .update(holds)
      .set({ status: "released", updatedAt: opts.now })
      .where(and(eq(holds.eventId, event.id), eq(holds.status, "held")))
      .returning({ orderId: holds.orderId });
    const pendingIds = [...new Set(released.flatMap((hold) => (hold.orderId ? [hold.orderId] : [])))];
    if (pendingIds.length > 0)
      await tx
        .update(orders)
        .set({ status: "canceled", canceledAt: opts.now, endedReason: "The event was canceled.", updatedAt: opts.now })
        .where(and(inArray(orders.id, pendingIds), eq(orders.status, "pending"), isNull(orders.paymentId)));
    await tx
      .update(waitlistEntries)
      .set({ status: "left", updatedAt: opts.now })
      .where(and(eq(waitlistEntries.eventId, event.id), inArray(waitlistEntries.status, ["waiting", "offered"])));

    const owing = await tx
      .update(orders)
      .set({
        status: "refunded",
        refundDueCents: sql`${orders.totalCents} - ${orders.refundedCents}`,
        canceledAt: opts.now,
        endedReason: "The event was canceled.",
        updatedAt: opts.now,
      })
      .where(
        and(
          eq(orders.eventId, event.id),
          inArray(orders.status, ["paid", "partially_refunded"]),
          sql`${orders.paymentId} is not null`,
          sql`${orders.totalCents} > ${orders.refundedCents}`,
        ),
      )
      .returning({ id: orders.id, due: orders.refundDueCents, currency: orders.currency });
    // Free orders (and paid ones already refunded in full) simply end.
    await tx
      .update(orders)
      .set({ status: "canceled", canceledAt: opts.now, endedReason: "The event was canceled.", updatedAt: opts.now })
      .where(and(eq(orders.eventId, event.id), inArray(orders.status, ["paid", "partially_refunded"])));

    const refundOf = new Map(owing.map((order) => [order.id, formatMoney(order.due, order.currency)]));
    const people = new Map<string, string | null>();
    for (const row of held) {
      if (!row.holderUserId) continue;
      const refund = row.orderUserId === row.holderUserId ? (refundOf.get(row.orderId) ?? null) : null;
      if (!people.has(row.holderUserId) || refund) people.set(row.holderUserId, refund);
    }
    const holders =
      people.size === 0
        ? []
        : await tx
            .select({ id: users.id, name: users.name, email: users.email })
            .from(users)
            .where(inArray(users.id, [...people.keys()]));
    const url = eventUrl(opts.appUrl, event.workspaceId, event.id);
    await recordCancellationNotices({
      tx,
      event,
      holders,
      appUrl: opts.appUrl,
      content: (holder) =>
        eventCanceledEmail({
          eventTitle: event.title,
          reason: opts.reason,
          refund: people.get(holder.id) ?? null,
          url,
        }),
    });
    await recordAudit({
      db: tx,
      action: "event.canceled",
      actorUserId: opts.actorUserId,
      workspaceId: event.workspaceId,
      detail: { eventId: event.id, ticketsEnded: ended.length, refundsDue: owing.length },
      meta: opts.meta,
      now: opts.now,
    });
  });
  return cancellationStatus({ db: opts.db, workspaceId: opts.workspaceId, eventId: opts.eventId });
}

/** The creator's cancellation policy for buyers (`refund_window_hours`; null: none). */
export async function setRefundPolicy(opts: {
  db: Database;
  workspaceId: string;
  eventId: string;
  refundWindowHours: number | null;
  actorUserId: string;
  now: Date;
  meta: RequestMeta;
}) {
  return opts.db.transaction(async (tx) => {
    const [event] = await tx
      .update(events)
      .set({ refundWindowHours: opts.refundWindowHours, updatedAt: opts.now })
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId)))
      .returning({ id: events.id, refundWindowHours: events.refundWindowHours });
    if (!event) throw notFound("Event");
    await recordAudit({
      db: tx,
      action: "event.updated",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: event.id, refundWindowHours: opts.refundWindowHours },
      meta: opts.meta,
      now: opts.now,
    });
    return { eventId: event.id, refundWindowHours: event.refundWindowHours };
  });
}

/** What the creator sees after canceling: refunds still owed and those done. */
export async function cancellationStatus(opts: { db: DbOrTx; workspaceId: string; eventId: string }) {
  const [row] = await opts.db
    .select({
      status: events.status,
      canceledAt: events.canceledAt,
      // Spelled out: drizzle leaves a single-table select's own columns unqualified, which the subquery would misread.
      refundsPending: sql<number>`(select count(*) from orders o where o.event_id = events.id
        and o.refund_due_cents > 0)::int`,
      refundsDone: sql<number>`(select count(*) from orders o where o.event_id = events.id
        and o.refund_due_cents = 0 and o.refunded_cents > 0)::int`,
    })
    .from(events)
    .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId)));
  if (!row) throw notFound("Event");
  return row;
}
