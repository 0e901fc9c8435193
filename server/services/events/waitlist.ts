import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { events, holds, orders, ticketTypes, users, waitlistEntries } from "../../../db/schema";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { PROVIDER_ACTOR } from "../audience/grants";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { recordEmail } from "../email/outbox";
import { othersCouldFreeSeatOf, readAvailability, remainingFor, takeSeats } from "./capacity";
import { waitlistOfferEmail } from "./emails";
import { lockEventCapacity } from "./locks";

type EventRow = typeof events.$inferSelect;

export function eventUrl(appUrl: string, workspaceId: string, eventId: string) {
  return `${appUrl}/c/${workspaceId}/events/${eventId}`;
}

/** The offer email's page: accept or decline with the token (stored only as its SHA-256). */
export function offerUrl(appUrl: string, workspaceId: string, token: string) {
  return `${appUrl}/c/${workspaceId}/offers/${token}`;
}

/**
 * Inside the event's lock: marks holds and offers whose time is up, cancels the pending orders that only they kept
 * alive, and offers the seats that are free now to the waitlist. Every path that can free seats ends here, in the
 * transaction that freed them, so a freed seat is never both offered and sold (issue 13 item 5).
 */
export async function settleEventCapacity(opts: { tx: DbOrTx; event: EventRow; now: Date; appUrl: string }) {
  const { tx, event, now } = opts;
  const lapsed = await tx
    .update(holds)
    .set({ status: "expired", updatedAt: now })
    .where(and(eq(holds.eventId, event.id), eq(holds.status, "held"), lte(holds.expiresAt, now)))
    .returning({ orderId: holds.orderId, waitlistEntryId: holds.waitlistEntryId });
  const orderIds = [...new Set(lapsed.flatMap((h) => (h.orderId ? [h.orderId] : [])))];
  if (orderIds.length > 0)
    await tx
      .update(orders)
      .set({ status: "canceled", canceledAt: now, endedReason: "The reservation expired.", updatedAt: now })
      .where(and(inArray(orders.id, orderIds), eq(orders.status, "pending"), isNull(orders.paymentId)));
  const entryIds = lapsed.flatMap((h) => (h.waitlistEntryId ? [h.waitlistEntryId] : []));
  if (entryIds.length > 0)
    await tx
      .update(waitlistEntries)
      .set({ status: "expired", updatedAt: now })
      .where(and(inArray(waitlistEntries.id, entryIds), eq(waitlistEntries.status, "offered")));
  return offerFreedSeats(opts);
}

/** Offers free seats to waiting people: chosen tiers first (priority 0), then first come first served, per type. */
async function offerFreedSeats(opts: { tx: DbOrTx; event: EventRow; now: Date; appUrl: string }) {
  const { tx, event, now } = opts;
  if (event.status !== "published") return 0;
  const waiting = await tx
    .select({
      entry: waitlistEntries,
      email: users.email,
      priceCents: ticketTypes.priceCents,
      currency: ticketTypes.currency,
    })
    .from(waitlistEntries)
    .innerJoin(users, eq(users.id, waitlistEntries.userId))
    .innerJoin(ticketTypes, eq(ticketTypes.id, waitlistEntries.ticketTypeId))
    .where(and(eq(waitlistEntries.eventId, event.id), eq(waitlistEntries.status, "waiting")))
    .orderBy(asc(waitlistEntries.priority), asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
    .limit(200);
  if (waiting.length === 0) return 0;
  const availability = await readAvailability(tx, event.id, now);
  const blockedTypes = new Set<string>();
  const expiresAt = new Date(now.getTime() + event.offerHours * 3600_000);
  let offered = 0;
  for (const { entry, email, priceCents, currency } of waiting) {
    if (blockedTypes.has(entry.ticketTypeId)) continue;
    if (remainingFor(availability, entry.ticketTypeId) < entry.quantity) {
      // First come first served within a type: nobody behind this person jumps ahead with a smaller request.
      blockedTypes.add(entry.ticketTypeId);
      continue;
    }
    const total = priceCents * entry.quantity;
    const [order] = await tx
      .insert(orders)
      .values({
        workspaceId: event.workspaceId,
        eventId: event.id,
        userId: entry.userId,
        status: "pending",
        subtotalCents: total,
        totalCents: total,
        currency,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: orders.id });
    await tx.insert(holds).values({
      workspaceId: event.workspaceId,
      eventId: event.id,
      ticketTypeId: entry.ticketTypeId,
      userId: entry.userId,
      orderId: order.id,
      waitlistEntryId: entry.id,
      quantity: entry.quantity,
      unitPriceCents: priceCents,
      expiresAt,
      createdAt: now,
      updatedAt: now,
    });
    const token = randomToken();
    await tx
      .update(waitlistEntries)
      .set({ status: "offered", offeredAt: now, offerTokenHash: sha256Hex(token), updatedAt: now })
      .where(eq(waitlistEntries.id, entry.id));
    await recordEmail({
      db: tx,
      to: email,
      content: waitlistOfferEmail({
        eventTitle: event.title,
        quantity: entry.quantity,
        expiresAt,
        url: offerUrl(opts.appUrl, event.workspaceId, token),
      }),
    });
    takeSeats(availability, entry.ticketTypeId, entry.quantity, "held");
    offered++;
  }
  return offered;
}

/** Joins the waitlist of a sold-out ticket type (one live entry per person and type). */
export async function joinWaitlist(opts: {
  db: Database;
  workspaceId: string;
  eventId: string;
  ticketTypeId: string;
  userId: string;
  quantity: number;
  /** The person's active tier ids (their grants): members of the event's member tiers go first. */
  tierIds: readonly string[];
  now: Date;
  meta?: RequestMeta;
}) {
  const [type] = await opts.db
    .select()
    .from(ticketTypes)
    .where(
      and(
        eq(ticketTypes.id, opts.ticketTypeId),
        eq(ticketTypes.eventId, opts.eventId),
        eq(ticketTypes.workspaceId, opts.workspaceId),
      ),
    );
  if (!type) throw notFound("Ticket type");
  const availability = await readAvailability(opts.db, opts.eventId, opts.now, opts.userId);
  if (remainingFor(availability, type.id) >= opts.quantity)
    throw new AppError("CONFLICT", "Seats are still available: get your ticket instead.");
  if (!othersCouldFreeSeatOf(availability, type.id))
    throw new AppError(
      "CONFLICT",
      `The seats of “${type.name}” are all taken by your own tickets: nobody else can give one back.`,
    );
  const favoured = type.memberTierIds.find((tierId) => opts.tierIds.includes(tierId)) ?? null;
  // The entry and its audit row commit together (ADR 013).
  return opts.db.transaction(async (tx) => {
    const [entry] = await tx
      .insert(waitlistEntries)
      .values({
        workspaceId: opts.workspaceId,
        eventId: opts.eventId,
        ticketTypeId: opts.ticketTypeId,
        userId: opts.userId,
        quantity: opts.quantity,
        priority: favoured ? 0 : 1,
        tierId: favoured,
        createdAt: opts.now,
        updatedAt: opts.now,
      })
      .onConflictDoNothing()
      .returning();
    if (!entry) throw new AppError("CONFLICT", "You are already on the waitlist for this ticket.");
    await recordAudit({
      db: tx,
      action: "waitlist.joined",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { eventId: opts.eventId, ticketTypeId: opts.ticketTypeId, entryId: entry.id, quantity: opts.quantity },
      meta: opts.meta ?? PROVIDER_ACTOR.meta,
      now: opts.now,
    });
    return entry;
  });
}

/** Declines an offer (or leaves the waitlist): its seats go to the next person in the same transaction. */
export async function leaveWaitlist(opts: {
  db: Database;
  workspaceId: string;
  entryId: string;
  userId: string;
  now: Date;
  appUrl: string;
}) {
  return opts.db.transaction(async (tx) => {
    const [entry] = await tx
      .select()
      .from(waitlistEntries)
      .where(
        and(
          eq(waitlistEntries.id, opts.entryId),
          eq(waitlistEntries.workspaceId, opts.workspaceId),
          eq(waitlistEntries.userId, opts.userId),
        ),
      );
    if (!entry) throw notFound("Waitlist entry");
    await lockEventCapacity(tx, entry.eventId, [entry.ticketTypeId]);
    const [event] = await tx.select().from(events).where(eq(events.id, entry.eventId));
    const released = await tx
      .update(holds)
      .set({ status: "released", updatedAt: opts.now })
      .where(and(eq(holds.waitlistEntryId, entry.id), eq(holds.status, "held")))
      .returning({ orderId: holds.orderId });
    for (const { orderId } of released)
      if (orderId)
        await tx
          .update(orders)
          .set({ status: "canceled", canceledAt: opts.now, endedReason: "Offer declined.", updatedAt: opts.now })
          .where(and(eq(orders.id, orderId), eq(orders.status, "pending"), isNull(orders.paymentId)));
    await tx
      .update(waitlistEntries)
      .set({ status: entry.status === "offered" ? "declined" : "left", updatedAt: opts.now })
      .where(and(eq(waitlistEntries.id, entry.id), inArray(waitlistEntries.status, ["waiting", "offered"])));
    await recordAudit({
      db: tx,
      action: "waitlist.left",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { entryId: entry.id, declinedOffer: entry.status === "offered" },
      meta: { ip: null, userAgent: null },
      now: opts.now,
    });
    await settleEventCapacity({ tx, event, now: opts.now, appUrl: opts.appUrl });
  });
}

/**
 * The per-minute sweep: every event with a hold or offer past its time is settled in its own short transaction
 * (expire, cancel, offer to the next person), so freed seats reach the waitlist within a minute even when nobody is
 * buying.
 */
export async function sweepLapsedHolds(opts: { db: Database; now: Date; appUrl: string; limit?: number }) {
  const due = await opts.db
    .selectDistinct({ eventId: holds.eventId })
    .from(holds)
    .where(and(eq(holds.status, "held"), lte(holds.expiresAt, opts.now)))
    .limit(opts.limit ?? 100);
  let offered = 0;
  for (const { eventId } of due) {
    offered += await opts.db.transaction(async (tx) => {
      await lockEventCapacity(tx, eventId);
      const [event] = await tx.select().from(events).where(eq(events.id, eventId));
      return settleEventCapacity({ tx, event, now: opts.now, appUrl: opts.appUrl });
    });
  }
  return { events: due.length, offered };
}

/** Waiting people ahead in line, for the page ("you are number 3"). */
export function waitlistPosition(db: DbOrTx, entry: { ticketTypeId: string; priority: number; createdAt: Date }) {
  return db
    .select({ ahead: sql<number>`count(*)::int` })
    .from(waitlistEntries)
    .where(
      and(
        eq(waitlistEntries.ticketTypeId, entry.ticketTypeId),
        eq(waitlistEntries.status, "waiting"),
        sql`(${waitlistEntries.priority}, ${waitlistEntries.createdAt}) < (${entry.priority}, ${entry.createdAt.toISOString()}::timestamptz)`,
      ),
    );
}
