import { and, asc, eq, ilike, isNull, or, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { checkIns, events, holds, orders, ticketTypes, tickets, users, waitlistEntries } from "../../../db/schema";
import { notFound } from "../../lib/errors";

/**
 * The creator's view of one event's sales (issue 13 item 9): figures, a day-by-day series for the charts, admissions
 * over time and the attendee list, each read in one round trip and always through the caller's workspace.
 */

const QUARTER_HOUR_MS = 15 * 60 * 1000;

function eventInWorkspace(db: DbOrTx, workspaceId: string, eventId: string) {
  return db
    .select({ id: events.id, title: events.title, capacity: events.capacity, timeZone: events.timeZone })
    .from(events)
    .where(and(eq(events.id, eventId), eq(events.workspaceId, workspaceId)));
}

/**
 * Sold, held, refunded, revenue and waitlist now, tickets issued and revenue per UTC day, and admissions (live
 * check-ins on any list) per quarter hour of the steward's scan time.
 */
export async function getEventDashboard(opts: { db: DbOrTx; workspaceId: string; eventId: string; now: Date }) {
  const { db } = opts;
  const nowIso = opts.now.toISOString();
  const [eventRows, figures, days, quarters] = await readBatch(db, [
    eventInWorkspace(db, opts.workspaceId, opts.eventId),
    db
      .select({
        sold: sql<number>`(select count(*) from ${tickets} t where t.event_id = ${opts.eventId}
          and t.status = 'valid')::int`,
        held: sql<number>`(select coalesce(sum(h.quantity), 0) from ${holds} h where h.event_id = ${opts.eventId}
          and h.status = 'held' and h.expires_at > ${nowIso}::timestamptz)::int`,
        refunded: sql<number>`(select count(*) from ${tickets} t where t.event_id = ${opts.eventId}
          and t.status in ('refunded', 'canceled'))::int`,
        revenueCents: sql<number>`(select coalesce(sum(o.total_cents - o.refunded_cents), 0) from ${orders} o
          where o.event_id = ${opts.eventId} and o.status in ('paid', 'partially_refunded', 'refunded'))::int`,
        refundedCents: sql<number>`(select coalesce(sum(o.refunded_cents), 0) from ${orders} o
          where o.event_id = ${opts.eventId})::int`,
        waitlist: sql<number>`(select count(*) from ${waitlistEntries} w where w.event_id = ${opts.eventId}
          and w.status = 'waiting')::int`,
        currency: sql<string>`coalesce((select min(tt.currency) from ${ticketTypes} tt
          where tt.event_id = ${opts.eventId} and tt.price_cents > 0), 'usd')`,
      })
      .from(events)
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId))),
    db
      .select({
        day: sql<string>`to_char(date_trunc('day', ${tickets.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`,
        issued: sql<number>`count(*)::int`,
        revenueCents: sql<number>`coalesce(sum(${tickets.priceCents}), 0)::int`,
      })
      .from(tickets)
      .where(and(eq(tickets.eventId, opts.eventId), eq(tickets.workspaceId, opts.workspaceId)))
      .groupBy(sql`1`)
      .orderBy(sql`1`),
    // Scan time, not upload time: a gate that was offline for an hour still shows when people came in.
    db
      .select({
        quarter: sql<number>`floor(extract(epoch from ${checkIns.scannedAt}) / 900)::int`,
        checkedIn: sql<number>`count(*)::int`,
      })
      .from(checkIns)
      .where(
        and(eq(checkIns.eventId, opts.eventId), eq(checkIns.workspaceId, opts.workspaceId), isNull(checkIns.undoneAt)),
      )
      .groupBy(sql`1`)
      .orderBy(sql`1`),
  ]);
  const event = eventRows[0];
  if (!event) throw notFound("Event");
  return { event, figures: figures[0]!, days: fillDays(days), checkIns: fillCheckIns(quarters) };
}

/**
 * At most a day of quarter hours on the chart; a longer span (a festival, a stray device clock) goes hourly up to a
 * week, then daily.
 */
const QUARTERS_PER_DAY = 96;
const MAX_BUCKETS = 400;

/**
 * Every bucket from the first admission to the last, empty ones included, as UTC start times. Quarter hours
 * align on every zone's wall clock (all offsets in use are multiples of 15 minutes), so the page can label them
 * in the event's zone.
 */
function fillCheckIns(quarters: { quarter: number; checkedIn: number }[]) {
  if (quarters.length === 0) return { bucketMinutes: 15, buckets: [] };
  const first = quarters[0]!.quarter;
  const last = quarters.at(-1)!.quarter;
  const span = last - first;
  const step = span < QUARTERS_PER_DAY ? 1 : span < QUARTERS_PER_DAY * 7 ? 4 : QUARTERS_PER_DAY;
  const counts = new Map<number, number>();
  for (const q of quarters) {
    const slot = Math.floor(q.quarter / step) * step;
    counts.set(slot, (counts.get(slot) ?? 0) + q.checkedIn);
  }
  const buckets: { startsAt: Date; checkedIn: number }[] = [];
  for (let slot = Math.floor(first / step) * step; slot <= last && buckets.length < MAX_BUCKETS; slot += step) {
    buckets.push({ startsAt: new Date(slot * QUARTER_HOUR_MS), checkedIn: counts.get(slot) ?? 0 });
  }
  return { bucketMinutes: step * 15, buckets };
}

/** Days without sales still appear (a line chart of gaps would lie about the slope). */
function fillDays(days: { day: string; issued: number; revenueCents: number }[]) {
  if (days.length === 0) return [];
  const byDay = new Map(days.map((d) => [d.day, d]));
  const out: typeof days = [];
  const last = Date.parse(`${days.at(-1)!.day}T00:00:00Z`);
  for (let t = Date.parse(`${days[0]!.day}T00:00:00Z`); t <= last && out.length < 366; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, issued: 0, revenueCents: 0 });
  }
  return out;
}

export const ATTENDEE_PAGE_SIZE = 50;

function attendeesQuery(db: DbOrTx, workspaceId: string, eventId: string, search: string) {
  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select({
      ticketId: tickets.id,
      status: tickets.status,
      priceCents: tickets.priceCents,
      createdAt: tickets.createdAt,
      ticketTypeName: ticketTypes.name,
      name: users.name,
      email: users.email,
      orderId: tickets.orderId,
    })
    .from(tickets)
    .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
    .leftJoin(users, eq(users.id, tickets.holderUserId))
    .where(
      and(
        eq(tickets.eventId, eventId),
        eq(tickets.workspaceId, workspaceId),
        search ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(tickets.id));
}

/** One page of attendees (every ticket, any status), searched by name or email. */
export async function listAttendees(opts: {
  db: DbOrTx;
  workspaceId: string;
  eventId: string;
  search: string;
  page: number;
}) {
  const { db } = opts;
  const [eventRows, rows] = await readBatch(db, [
    eventInWorkspace(db, opts.workspaceId, opts.eventId),
    attendeesQuery(db, opts.workspaceId, opts.eventId, opts.search)
      .limit(ATTENDEE_PAGE_SIZE + 1)
      .offset((opts.page - 1) * ATTENDEE_PAGE_SIZE),
  ]);
  if (!eventRows[0]) throw notFound("Event");
  return { items: rows.slice(0, ATTENDEE_PAGE_SIZE), hasMore: rows.length > ATTENDEE_PAGE_SIZE, page: opts.page };
}

/** Every attendee, for the CSV export. */
export async function allAttendees(opts: { db: DbOrTx; workspaceId: string; eventId: string }) {
  const [eventRows, rows] = await readBatch(opts.db, [
    eventInWorkspace(opts.db, opts.workspaceId, opts.eventId),
    attendeesQuery(opts.db, opts.workspaceId, opts.eventId, "").limit(100_000),
  ]);
  const event = eventRows[0];
  if (!event) throw notFound("Event");
  return { event, rows };
}
