import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { checkIns, events, grants, tickets } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { endGrant, issueGrant } from "../audience/grants";
import { ensureSupporter, findOrCreatePerson } from "../audience/supporters";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { ticketTransferredEmail } from "./emails";
import { recordTicketConfirmations } from "./notices";
import { eventUrl } from "./waitlist";

/**
 * Gives a ticket to another person by email (issue 13 item 7, ADR 032). The seat stays the same ticket row, so no
 * capacity is taken or freed and no lock on the event is needed; the row lock on the ticket serialises a transfer
 * with another transfer, a cancellation or a check-in of it. The recipient becomes a supporter (a passwordless
 * person if new), the old holder's grant ends and a new one is issued to the recipient, and `secret_version` rises
 * so the QR code the old holder has stops verifying. A ticket already checked in (a live admission on any list)
 * is not transferred: someone came in on it, and the old code must not both admit and be handed on (`syncScans`
 * holds a share lock on the row while it admits, so the two are decided in commit order).
 */
export async function transferTicket(opts: {
  db: Database;
  workspaceId: string;
  ticketId: string;
  fromUserId: string;
  fromName: string;
  toEmail: string;
  toName: string;
  appUrl: string;
  now: Date;
  meta: RequestMeta;
}) {
  return opts.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ ticket: tickets, event: events })
      .from(tickets)
      .innerJoin(events, eq(events.id, tickets.eventId))
      .where(
        and(
          eq(tickets.id, opts.ticketId),
          eq(tickets.workspaceId, opts.workspaceId),
          eq(tickets.holderUserId, opts.fromUserId),
        ),
      )
      .for("update", { of: tickets });
    if (!row) throw notFound("Ticket");
    const { ticket, event } = row;
    if (ticket.status !== "valid") throw new AppError("CONFLICT", "This ticket no longer admits anyone.");
    if (event.status !== "published" || event.endsAt <= opts.now)
      throw new AppError("CONFLICT", "Tickets to this event can no longer be transferred.");
    const [admission] = await tx
      .select({ id: checkIns.id })
      .from(checkIns)
      .where(
        and(eq(checkIns.ticketId, ticket.id), eq(checkIns.workspaceId, opts.workspaceId), isNull(checkIns.undoneAt)),
      )
      .limit(1);
    if (admission)
      throw new AppError("CONFLICT", "This ticket was already used to get in, so it can no longer be transferred.");
    const recipient = await findOrCreatePerson({ db: tx, email: opts.toEmail, name: opts.toName, now: opts.now });
    if (recipient.id === opts.fromUserId)
      throw new AppError("BAD_REQUEST", "This ticket is already yours.", {
        fieldErrors: { email: ["Enter someone else's email address."] },
      });
    const actor = { userId: opts.fromUserId, meta: opts.meta };
    const [oldGrant] = ticket.grantId ? await tx.select().from(grants).where(eq(grants.id, ticket.grantId)) : [];
    if (oldGrant)
      await endGrant({
        db: tx,
        workspaceId: opts.workspaceId,
        grantId: oldGrant.id,
        status: "revoked",
        reason: "Ticket transferred to another person.",
        actor,
        now: opts.now,
      });
    const { supporter } = await ensureSupporter({
      db: tx,
      workspaceId: opts.workspaceId,
      userId: recipient.id,
      source: "checkout",
      actor,
      now: opts.now,
    });
    const nextVersion = ticket.secretVersion + 1;
    const { grant } = await issueGrant({
      db: tx,
      workspaceId: opts.workspaceId,
      userId: recipient.id,
      supporterId: supporter.id,
      kind: "ticket",
      tierId: null,
      eventId: event.id,
      ticketId: ticket.id,
      source: oldGrant?.source ?? "free_signup",
      sourceRef: `transfer:${ticket.id}:${nextVersion}`,
      startsAt: opts.now,
      endsAt: null,
      reason: `ticket transferred by ${opts.fromUserId}`,
      actor,
      now: opts.now,
    });
    await tx
      .update(tickets)
      .set({
        holderUserId: recipient.id,
        grantId: grant.id,
        secretVersion: sql`${tickets.secretVersion} + 1`,
        // The new holder gets their own reminders.
        remindedDayAt: null,
        remindedHourAt: null,
        updatedAt: opts.now,
      })
      .where(eq(tickets.id, ticket.id));
    await recordAudit({
      db: tx,
      action: "ticket.transferred",
      actorUserId: opts.fromUserId,
      workspaceId: opts.workspaceId,
      detail: { ticketId: ticket.id, toUserId: recipient.id, secretVersion: nextVersion },
      meta: opts.meta,
      now: opts.now,
    });
    await recordTicketConfirmations({
      tx,
      event,
      holderUserId: recipient.id,
      appUrl: opts.appUrl,
      content: ticketTransferredEmail({
        eventTitle: event.title,
        fromName: opts.fromName,
        url: eventUrl(opts.appUrl, event.workspaceId, event.id),
      }),
    });
    return { ticketId: ticket.id, holderUserId: recipient.id, secretVersion: nextVersion };
  });
}
