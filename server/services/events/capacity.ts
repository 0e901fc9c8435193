import { and, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { events, holds, ticketTypes, tickets } from "../../../db/schema";

export interface TypeAvailability {
  ticketTypeId: string;
  /** The type's own quantity; null is bounded only by the event. */
  quantity: number | null;
  sold: number;
  held: number;
}

export interface Availability {
  capacity: number | null;
  types: Map<string, TypeAvailability>;
  sold: number;
  held: number;
  /** Holds past their time that no transaction has marked yet (settle them before selling). */
  lapsed: number;
}

/**
 * Seats taken right now: valid tickets plus holds that have not expired. An expired hold stops counting the moment
 * it expires, whatever the sweep has done. Only meaningful for decisions inside the event's lock (./locks.ts).
 */
export async function readAvailability(tx: DbOrTx, eventId: string, now: Date): Promise<Availability> {
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
    })
    .from(ticketTypes)
    .innerJoin(events, eq(events.id, ticketTypes.eventId))
    .where(eq(ticketTypes.eventId, eventId));
  const types = new Map<string, TypeAvailability>();
  let sold = 0;
  let held = 0;
  for (const row of rows) {
    types.set(row.ticketTypeId, {
      ticketTypeId: row.ticketTypeId,
      quantity: row.quantity,
      sold: row.sold,
      held: row.held,
    });
    sold += row.sold;
    held += row.held;
  }
  const capacity = rows[0]?.capacity ?? (await eventCapacity(tx, eventId));
  return { capacity, types, sold, held, lapsed: rows[0]?.lapsed ?? 0 };
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
