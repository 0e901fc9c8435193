import { and, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { events, tickets, users, workspaces } from "../../../db/schema";
import { recordEmails } from "../email/outbox";
import { eventIcsFor, uidDomainOf } from "./calendar";
import { eventChangedEmail, eventReminderEmail, ticketConfirmationEmail } from "./emails";
import { icsAttachment, type IcsMethod } from "./ics";
import { eventUrl } from "./waitlist";

type EventRow = typeof events.$inferSelect;

/**
 * Attendee emails (issue 13 item 7, ADR 032), each recorded in the email outbox (ADR 005) in the transaction of its
 * cause and carrying the event's .ics: a REQUEST invitation (ORGANIZER + ATTENDEE) on issue, on reminders and when
 * the time or place changes (with the event's raised SEQUENCE, so the calendar entry is updated in place), a CANCEL
 * when the event is canceled. One email per holder, whatever the number of their seats.
 */

const REMINDERS = {
  day: { before: 24 * 3600_000, column: tickets.remindedDayAt, label: "tomorrow" },
  hour: { before: 3600_000, column: tickets.remindedHourAt, label: "in an hour" },
} as const;

async function organizerOf(tx: DbOrTx, event: EventRow, appUrl: string) {
  const [workspace] = await tx
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, event.workspaceId));
  return { name: workspace?.name ?? "Greenroom", email: `events@${uidDomainOf(appUrl).split(":")[0]}` };
}

async function invitation(opts: {
  event: EventRow;
  method: IcsMethod;
  appUrl: string;
  organizer: { name: string; email: string };
  holder: { name: string; email: string };
}) {
  return icsAttachment(
    await eventIcsFor({
      event: opts.event,
      method: opts.method,
      appUrl: opts.appUrl,
      // Everyone receiving these holds a ticket (or held one, for a cancellation).
      revealJoinUrl: opts.method !== "CANCEL",
      organizer: opts.organizer,
      attendee: opts.holder,
    }),
    opts.method,
  );
}

/** Valid tickets' holders of an event, one row per person. */
async function holdersOf(tx: DbOrTx, eventId: string, holderUserIds?: readonly string[]) {
  return tx
    .selectDistinct({ id: users.id, name: users.name, email: users.email })
    .from(tickets)
    .innerJoin(users, eq(users.id, tickets.holderUserId))
    .where(
      and(
        eq(tickets.eventId, eventId),
        eq(tickets.status, "valid"),
        holderUserIds ? inArray(tickets.holderUserId, [...holderUserIds]) : undefined,
      ),
    );
}

/** "You're in": after tickets are issued to `holderUserId` (reservation, payment, offer, transfer). */
export async function recordTicketConfirmations(opts: {
  tx: DbOrTx;
  event: EventRow;
  holderUserId: string;
  appUrl: string;
  /** The wording, when it is not a purchase (a transfer). */
  content?: { subject: string; text: string; html: string };
}) {
  const holders = await holdersOf(opts.tx, opts.event.id, [opts.holderUserId]);
  if (holders.length === 0) return [];
  const organizer = await organizerOf(opts.tx, opts.event, opts.appUrl);
  return recordEmails({
    db: opts.tx,
    messages: await Promise.all(
      holders.map(async (holder) => ({
        to: holder.email,
        content: {
          ...(opts.content ??
            ticketConfirmationEmail({
              eventTitle: opts.event.title,
              startsAt: opts.event.startsAt,
              timeZone: opts.event.timeZone,
              url: eventUrl(opts.appUrl, opts.event.workspaceId, opts.event.id),
            })),
          attachments: [
            await invitation({ event: opts.event, method: "REQUEST", appUrl: opts.appUrl, organizer, holder }),
          ],
        },
      })),
    ),
  });
}

/**
 * The creator changed when or where: raises the event's SEQUENCE and sends every holder the updated invitation.
 * Call it in the transaction that saves the change, with the row before and after; other edits send nothing.
 */
export async function recordEventChange(opts: { tx: DbOrTx; before: EventRow; after: EventRow; appUrl: string }) {
  const { before, after } = opts;
  const moved =
    before.startsAt.getTime() !== after.startsAt.getTime() ||
    before.endsAt.getTime() !== after.endsAt.getTime() ||
    before.venue !== after.venue ||
    before.joinUrl !== after.joinUrl ||
    before.timeZone !== after.timeZone;
  if (!moved || after.status !== "published") return { notified: 0 };
  const [event] = await opts.tx
    .update(events)
    .set({ icsSequence: sql`${events.icsSequence} + 1` })
    .where(eq(events.id, after.id))
    .returning();
  const holders = await holdersOf(opts.tx, event.id);
  const organizer = await organizerOf(opts.tx, event, opts.appUrl);
  await recordEmails({
    db: opts.tx,
    messages: await Promise.all(
      holders.map(async (holder) => ({
        to: holder.email,
        content: {
          ...eventChangedEmail({
            eventTitle: event.title,
            startsAt: event.startsAt,
            timeZone: event.timeZone,
            venue: event.venue,
            url: eventUrl(opts.appUrl, event.workspaceId, event.id),
          }),
          attachments: [await invitation({ event, method: "REQUEST", appUrl: opts.appUrl, organizer, holder })],
        },
      })),
    ),
  });
  return { notified: holders.length };
}

/** Every holder of a just-canceled event (tickets already ended in this transaction): CANCEL with a higher SEQUENCE. */
export async function recordCancellationNotices<H extends { name: string; email: string }>(opts: {
  tx: DbOrTx;
  event: EventRow;
  holders: readonly H[];
  appUrl: string;
  content: (holder: H) => { subject: string; text: string; html: string };
}) {
  if (opts.holders.length === 0) return [];
  const organizer = await organizerOf(opts.tx, opts.event, opts.appUrl);
  return recordEmails({
    db: opts.tx,
    messages: await Promise.all(
      opts.holders.map(async (holder) => ({
        to: holder.email,
        content: {
          ...opts.content(holder),
          attachments: [
            await invitation({ event: opts.event, method: "CANCEL", appUrl: opts.appUrl, organizer, holder }),
          ],
        },
      })),
    ),
  });
}

/**
 * The reminder cron (every 5 minutes): 24 hours and 1 hour before the start, each valid ticket's holder gets one
 * reminder of each kind. Claiming is the update that sets the ticket's reminded column where it is still null,
 * in the same transaction as the email rows, so overlapping runs or a retry after a crash send each reminder once.
 * The hour reminder claims the day one too: someone who bought a ticket 50 minutes before gets one email, not two.
 */
export async function sendEventReminders(opts: { db: Database; now: Date; appUrl: string; limit?: number }) {
  let sent = 0;
  for (const kind of ["hour", "day"] as const) {
    const reminder = REMINDERS[kind];
    const horizon = new Date(opts.now.getTime() + reminder.before);
    sent += await opts.db.transaction(async (tx) => {
      const due = tx
        .select({ id: tickets.id })
        .from(tickets)
        .innerJoin(events, eq(events.id, tickets.eventId))
        .where(
          and(
            eq(tickets.status, "valid"),
            isNull(reminder.column),
            eq(events.status, "published"),
            gt(events.startsAt, opts.now),
            lte(events.startsAt, horizon),
          ),
        )
        .limit(opts.limit ?? 500)
        .for("update", { of: tickets, skipLocked: true });
      const claimed = await tx
        .update(tickets)
        .set(
          kind === "hour"
            ? { remindedHourAt: opts.now, remindedDayAt: sql`coalesce(${tickets.remindedDayAt}, ${opts.now})` }
            : { remindedDayAt: opts.now },
        )
        .where(inArray(tickets.id, due))
        .returning({ eventId: tickets.eventId, holderUserId: tickets.holderUserId });
      const byEvent = new Map<string, Set<string>>();
      for (const ticket of claimed)
        if (ticket.holderUserId)
          byEvent.set(ticket.eventId, (byEvent.get(ticket.eventId) ?? new Set()).add(ticket.holderUserId));
      let count = 0;
      for (const [eventId, holderIds] of byEvent) {
        const [event] = await tx.select().from(events).where(eq(events.id, eventId));
        const holders = await holdersOf(tx, eventId, [...holderIds]);
        const organizer = await organizerOf(tx, event, opts.appUrl);
        const ids = await recordEmails({
          db: tx,
          messages: await Promise.all(
            holders.map(async (holder) => ({
              to: holder.email,
              content: {
                ...eventReminderEmail({
                  eventTitle: event.title,
                  when: reminder.label,
                  startsAt: event.startsAt,
                  timeZone: event.timeZone,
                  venue: event.venue,
                  url: eventUrl(opts.appUrl, event.workspaceId, event.id),
                }),
                attachments: [await invitation({ event, method: "REQUEST", appUrl: opts.appUrl, organizer, holder })],
              },
            })),
          ),
        });
        count += ids.length;
      }
      return count;
    });
  }
  return { sent };
}
