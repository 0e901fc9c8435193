import { and, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { events, holds, ticketTypes, tickets } from "../../../db/schema";

export interface TypeAvailability {
  ticketTypeId: string;
  /** The type's own quantity; null is bounded only by the event. */
  quantity: number | null;
  sold: number;
  held: number;
  /** Of `sold` and `held`, the seats of the person asked about (their valid tickets and live holds); else 0. */
  yours: number;
}

export interface Availability {
  capacity: number | null;
  types: Map<string, TypeAvailability>;
  sold: number;
  held: number;
  yours: number;
  /** Holds past their time that no transaction has marked yet (settle them before selling). */
  lapsed: number;
}

/**
 * Seats taken right now: valid tickets plus holds that have not expired. An expired hold stops counting the moment
 * it expires, whatever the sweep has done. Only meaningful for decisions inside the event's lock (./locks.ts).
 */
export async function readAvailability(
  tx: DbOrTx,
  eventId: string,
  now: Date,
  /** Also count this person's own seats (`yours`), for what only someone else could free. */
  userId?: string,
): Promise<Availability> {
  const yours = userId
    ? sql<number>`((select count(*) from ${tickets} where ${tickets.ticketTypeId} = ${ticketTypes.id}
        and ${tickets.status} = 'valid' and ${tickets.holderUserId} = ${userId})
        + (select coalesce(sum(${holds.quantity}), 0) from ${holds} where ${holds.ticketTypeId} = ${ticketTypes.id}
        and ${holds.status} = 'held' and ${holds.expiresAt} > ${now.toISOString()}::timestamptz
        and ${holds.userId} = ${userId}))::int`
    : sql<number>`0`;
  const rows = await tx
    .select({
      ticketTypeId: ticketTypes.id,
      quantity: ticketTypes.quantity,
      capacity: events.capacity,
      sold: sql<number>`(select count(*) from ${tickets} where ${tickets.ticketTypeId} = ${ticketTypes.id}
        and ${tickets.status} = 'valid')::int`,
      held: sql<number>`(select coalesce(sum(${holds.quantity}), 0) from ${holds}
        where ${holds.ticketTypeId} = ${ticketTypes.id} and ${holds.status} = 'held'
        and ${holds.expiresAt} > ${now.toISOString()}::timestamptz)::int`,
      lapsed: sql<number>`(select count(*) from ${holds} where ${holds.eventId} = ${ticketTypes.eventId}
        and ${holds.status} = 'held' and ${holds.expiresAt} <= ${now.toISOString()}::timestamptz)::int`,
      yours,
    })
    .from(ticketTypes)
    .innerJoin(events, eq(events.id, ticketTypes.eventId))
    .where(eq(ticketTypes.eventId, eventId));
  const types = new Map<string, TypeAvailability>();
  let sold = 0;
  let held = 0;
  let yoursInAll = 0;
  for (const row of rows) {
    types.set(row.ticketTypeId, {
      ticketTypeId: row.ticketTypeId,
      quantity: row.quantity,
      sold: row.sold,
      held: row.held,
      yours: row.yours,
    });
    sold += row.sold;
    held += row.held;
    yoursInAll += row.yours;
  }
  const capacity = rows[0]?.capacity ?? (await eventCapacity(tx, eventId));
  return { capacity, types, sold, held, yours: yoursInAll, lapsed: rows[0]?.lapsed ?? 0 };
}

async function eventCapacity(tx: DbOrTx, eventId: string) {
  const [row] = await tx.select({ capacity: events.capacity }).from(events).where(eq(events.id, eventId));
  return row?.capacity ?? null;
}

/** Seats still free for `ticketTypeId`: the smaller of its own remainder and the event's. Infinity when unbounded. */
export function remainingFor(availability: Availability, ticketTypeId: string): number {
  const type = availability.types.get(ticketTypeId);
  if (!type) return 0;
  const own = type.quantity === null ? Infinity : type.quantity - type.sold - type.held;
  const event =
    availability.capacity === null ? Infinity : availability.capacity - availability.sold - availability.held;
  return Math.max(0, Math.min(own, event));
}

/**
 * Whether a seat of a sold-out type could still come free for one person: someone else has to give one back, of the
 * type's own quantity when that is used up and of the event's capacity when that is. A person holding every such
 * seat themselves would wait for nothing, so they are not offered the waitlist (nor let onto it).
 */
export function othersCouldFreeSeat(seats: {
  typeLeft: number;
  typeTakenByOthers: number;
  eventLeft: number;
  eventTakenByOthers: number;
}): boolean {
  return (seats.typeLeft > 0 || seats.typeTakenByOthers > 0) && (seats.eventLeft > 0 || seats.eventTakenByOthers > 0);
}

/** Whether someone other than the person `availability` was read for could free a seat of `ticketTypeId`. */
export function othersCouldFreeSeatOf(availability: Availability, ticketTypeId: string): boolean {
  const type = availability.types.get(ticketTypeId);
  if (!type) return false;
  const typeTaken = type.sold + type.held;
  const eventTaken = availability.sold + availability.held;
  return othersCouldFreeSeat({
    typeLeft: type.quantity === null ? Infinity : type.quantity - typeTaken,
    typeTakenByOthers: typeTaken - type.yours,
    eventLeft: availability.capacity === null ? Infinity : availability.capacity - eventTaken,
    eventTakenByOthers: eventTaken - availability.yours,
  });
}

/** Records that `quantity` more seats of a type are taken, so later decisions in the same transaction see them. */
export function takeSeats(availability: Availability, ticketTypeId: string, quantity: number, as: "sold" | "held") {
  const type = availability.types.get(ticketTypeId);
  if (!type) return;
  type[as] += quantity;
  availability[as] += quantity;
}

/** Live holds of an order (their seats are the order's until they expire). */
export function liveHoldsOf(tx: DbOrTx, orderId: string, now: Date) {
  return tx
    .select()
    .from(holds)
    .where(and(eq(holds.orderId, orderId), eq(holds.status, "held"), gt(holds.expiresAt, now)));
}
