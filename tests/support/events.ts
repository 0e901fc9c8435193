import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { events, ticketTypes, users } from "../../db/schema";

export const EVENT_START = new Date("2027-03-01T18:00:00.000Z");

/** A published event with the given ticket types (free unless priced). */
export async function insertEvent(
  db: Database,
  workspaceId: string,
  opts: {
    capacity?: number | null;
    holdMinutes?: number;
    offerHours?: number;
    status?: "draft" | "published" | "canceled";
    salesStartAt?: Date | null;
    visibility?: "public" | "members" | "paid" | "tiers";
    types?: {
      name?: string;
      priceCents?: number;
      quantity?: number | null;
      maxPerOrder?: number;
      memberTierIds?: string[];
      memberPriceCents?: number | null;
      earlyAccessTierIds?: string[];
      earlyAccessStartAt?: Date | null;
    }[];
  } = {},
) {
  const [event] = await db
    .insert(events)
    .values({
      workspaceId,
      title: "Live taping",
      description: "An evening with the show.",
      kind: "in_person",
      startsAt: EVENT_START,
      endsAt: new Date(EVENT_START.getTime() + 2 * 3600_000),
      timeZone: "Europe/Berlin",
      venue: "Kulturhaus, Berlin",
      capacity: opts.capacity === undefined ? 100 : opts.capacity,
      holdMinutes: opts.holdMinutes ?? 15,
      offerHours: opts.offerHours ?? 12,
      status: opts.status ?? "published",
      salesStartAt: opts.salesStartAt ?? null,
      visibility: opts.visibility ?? "public",
    })
    .returning();
  const types = [];
  for (const [index, type] of (opts.types ?? [{}]).entries()) {
    const [row] = await db
      .insert(ticketTypes)
      .values({
        workspaceId,
        eventId: event.id,
        name: type.name ?? `Type ${index + 1}`,
        priceCents: type.priceCents ?? 0,
        quantity: type.quantity ?? null,
        maxPerOrder: type.maxPerOrder ?? 10,
        memberTierIds: type.memberTierIds ?? [],
        memberPriceCents: type.memberPriceCents ?? null,
        earlyAccessTierIds: type.earlyAccessTierIds ?? [],
        earlyAccessStartAt: type.earlyAccessStartAt ?? null,
        position: index,
      })
      .returning();
    types.push(row);
  }
  return { event, types };
}

/** Many buyers at once without sessions or password hashes (race tests). */
export async function insertBuyers(db: Database, count: number, prefix: string) {
  const rows = await db
    .insert(users)
    .values(
      Array.from({ length: count }, (_, i) => ({
        email: `${prefix}-${i}@example.test`,
        name: `Buyer ${i}`,
        passwordHash: "not-a-login",
        emailVerifiedAt: new Date(),
      })),
    )
    .returning({ id: users.id, email: users.email });
  return rows;
}

/**
 * Seats taken now (valid tickets, live holds) per event, read in one statement so both counts come from one
 * snapshot: the invariant every race test checks.
 */
export async function seatCounts(db: Database, eventId: string, now: Date) {
  // Aliased: drizzle leaves a single-table select's columns unqualified, which the subqueries would misread.
  const [row] = await db
    .select({
      sold: sql<number>`(select count(*) from tickets t where t.event_id = events.id and t.status = 'valid')::int`,
      held: sql<number>`(select coalesce(sum(h.quantity), 0) from holds h where h.event_id = events.id
        and h.status = 'held' and h.expires_at > ${now.toISOString()}::timestamptz)::int`,
    })
    .from(events)
    .where(eq(events.id, eventId));
  return { sold: row.sold, held: row.held };
}
