import { and, eq } from "drizzle-orm";
import { renderSVG } from "uqr";
import type { Database } from "../../../db/client";
import { events, tickets, ticketTypes, users, workspaces, type TicketStatus } from "../../../db/schema";
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
    })
    .from(tickets)
    .innerJoin(events, eq(events.id, tickets.eventId))
    .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
    .innerJoin(users, eq(users.id, tickets.holderUserId))
    .innerJoin(workspaces, eq(workspaces.id, tickets.workspaceId))
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
    code,
    // Error correction Q survives a cracked phone screen or a crumpled print; the code is ~130 bytes either way.
    qrSvg: code ? renderSVG(code, { ecc: "Q", border: 4, pixelSize: 8 }) : null,
  };
}
