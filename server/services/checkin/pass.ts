import { and, eq, sql } from "drizzle-orm";
import { renderSVG } from "uqr";
import type { Database } from "../../../db/client";
import { events, orders, tickets, ticketTypes, users, workspaces, type TicketStatus } from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { signTicketCode } from "./signing";

/**
 * A ticket as its holder sees it: the event, the type, and — while the ticket is valid — the signed code and its QR
 * code as SVG (rendered here by `uqr`, so the page needs no script and prints as it shows). One statement, filtered
 * by workspace and holder: someone else's ticket, or another workspace's, is NOT_FOUND.
 */
export async function getTicketPass(opts: {
  db: Database;
  workspaceId: string;
  ticketId: string;
  userId: string;
  secret: string;
}) {
  const [row] = await opts.db
    .select({
      id: tickets.id,
      status: tickets.status,
      secretVersion: tickets.secretVersion,
      eventId: events.id,
      eventTitle: events.title,
      startsAt: events.startsAt,
      endsAt: events.endsAt,
      timeZone: events.timeZone,
      venue: events.venue,
      eventStatus: events.status,
      typeName: ticketTypes.name,
      holderName: users.name,
      workspaceName: workspaces.name,
      refundWindowHours: events.refundWindowHours,
      orderId: orders.id,
      orderUserId: orders.userId,
      orderPaid: orders.paymentId,
      orderLeftCents: sql<number>`${orders.totalCents} - ${orders.refundedCents} - ${orders.refundDueCents}`,
      currency: orders.currency,
    })
    .from(tickets)
    .innerJoin(events, eq(events.id, tickets.eventId))
    .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
    .innerJoin(users, eq(users.id, tickets.holderUserId))
    .innerJoin(workspaces, eq(workspaces.id, tickets.workspaceId))
    .leftJoin(orders, eq(orders.id, tickets.orderId))
    .where(
      and(
        eq(tickets.id, opts.ticketId),
        eq(tickets.workspaceId, opts.workspaceId),
        eq(tickets.holderUserId, opts.userId),
      ),
    );
  if (!row) throw notFound("Ticket");
  const admits = row.status === "valid" && row.eventStatus !== "canceled";
  const code = admits
    ? await signTicketCode({
        secret: opts.secret,
        workspaceId: opts.workspaceId,
        eventId: row.eventId,
        ticketId: row.id,
        secretVersion: row.secretVersion,
      })
    : null;
  return {
    ticket: { id: row.id, status: row.status as TicketStatus, typeName: row.typeName, holderName: row.holderName },
    event: {
      id: row.eventId,
      title: row.eventTitle,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      timeZone: row.timeZone,
      venue: row.venue,
      canceled: row.eventStatus === "canceled",
    },
    workspaceName: row.workspaceName,
    cancellation: buyerCancellation(row, opts.userId),
    code,
    // Error correction Q survives a cracked phone screen or a crumpled print; the code is ~130 bytes either way.
    qrSvg: code ? renderSVG(code, { ecc: "Q", border: 4, pixelSize: 8 }) : null,
  };
}

/**
 * Whether the holder may cancel the ticket's order themselves under the creator's policy (ADR 032), and what would
 * come back: only the buyer of a valid ticket to a published event, until `refund_window_hours` before the start.
 * The service checks all of this again under the event's lock; this only decides whether the page offers it.
 */
function buyerCancellation(
  row: {
    status: string;
    eventStatus: string;
    startsAt: Date;
    refundWindowHours: number | null;
    orderId: string | null;
    orderUserId: string | null;
    orderPaid: string | null;
    orderLeftCents: number | null;
    currency: string | null;
  },
  userId: string,
) {
  if (row.status !== "valid" || row.eventStatus !== "published") return null;
  if (row.refundWindowHours === null || !row.orderId || row.orderUserId !== userId) return null;
  return {
    orderId: row.orderId,
    until: new Date(row.startsAt.getTime() - row.refundWindowHours * 3600_000),
    refundCents: row.orderPaid ? Math.max(0, Number(row.orderLeftCents ?? 0)) : 0,
    currency: row.currency ?? "usd",
  };
}
