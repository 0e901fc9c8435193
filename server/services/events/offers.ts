import { and, eq } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { events, holds, orders, ticketTypes, waitlistEntries } from "../../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import type { RequestMeta } from "../auth/sessions";
import { lockEventCapacity } from "./locks";
import { startTicketCheckout, type TicketPaymentProvider } from "./orders";
import { recordTicketConfirmations } from "./notices";
import { issueTickets } from "./tickets";
import { leaveWaitlist } from "./waitlist";

/**
 * Waitlist offers from the offer email's link (issue 13 item 5, ADR 032). The link carries a random token whose
 * SHA-256 is on the waitlist entry; the page shows the offer to the person it was made to (signed in as them) and
 * lets them accept — a free seat is issued at once from the offer's hold, a paid one opens the provider's checkout
 * carrying that hold — or decline, which passes the seat on in the same transaction. An offer past its time is
 * already dead (its hold stopped counting when it expired; the sweep passes it on within a minute).
 */

export type OfferState = "open" | "expired" | "declined" | "accepted";

/** One statement (an entry is offered at most once, so it has at most one hold). */
async function findOffer(db: DbOrTx, workspaceId: string, token: string, userId: string) {
  const [row] = await db
    .select({ entry: waitlistEntries, event: events, typeName: ticketTypes.name, hold: holds })
    .from(waitlistEntries)
    .innerJoin(events, eq(events.id, waitlistEntries.eventId))
    .innerJoin(ticketTypes, eq(ticketTypes.id, waitlistEntries.ticketTypeId))
    .leftJoin(holds, eq(holds.waitlistEntryId, waitlistEntries.id))
    .where(
      and(
        eq(waitlistEntries.offerTokenHash, sha256Hex(token)),
        eq(waitlistEntries.workspaceId, workspaceId),
        eq(waitlistEntries.userId, userId),
      ),
    )
    .limit(1);
  if (!row) throw notFound("Offer");
  return row;
}

function stateOf(entryStatus: string, hold: { status: string; expiresAt: Date } | null, now: Date): OfferState {
  if (entryStatus === "converted" || hold?.status === "converted") return "accepted";
  if (entryStatus === "declined" || entryStatus === "left") return "declined";
  if (entryStatus !== "offered" || !hold || hold.status !== "held" || hold.expiresAt <= now) return "expired";
  return "open";
}

/** What the offer page shows. Another person's or another workspace's token is NOT_FOUND. */
export async function getOffer(opts: { db: DbOrTx; workspaceId: string; token: string; userId: string; now: Date }) {
  const offer = await findOffer(opts.db, opts.workspaceId, opts.token, opts.userId);
  return {
    state: stateOf(offer.entry.status, offer.hold, opts.now),
    eventId: offer.event.id,
    eventTitle: offer.event.title,
    startsAt: offer.event.startsAt,
    ticketTypeName: offer.typeName,
    quantity: offer.entry.quantity,
    unitPriceCents: offer.hold?.unitPriceCents ?? 0,
    expiresAt: offer.hold?.expiresAt ?? null,
  };
}

export type AcceptOfferResult =
  { kind: "issued"; orderId: string; ticketIds: string[] } | { kind: "checkout"; orderId: string; url: string };

export async function acceptOffer(opts: {
  db: Database;
  /** Asked for only when the offer is paid: a free seat needs no provider (and payments may be off). */
  provider: () => TicketPaymentProvider;
  workspaceId: string;
  token: string;
  userId: string;
  appUrl: string;
  now: Date;
  meta?: RequestMeta;
}): Promise<AcceptOfferResult> {
  const offer = await findOffer(opts.db, opts.workspaceId, opts.token, opts.userId);
  if (stateOf(offer.entry.status, offer.hold, opts.now) !== "open" || !offer.hold?.orderId)
    throw new AppError("CONFLICT", "This offer is no longer open.");
  const orderId = offer.hold.orderId;
  const [order] = await opts.db.select().from(orders).where(eq(orders.id, orderId));
  if (order.totalCents > 0) {
    const checkout = await startTicketCheckout({
      db: opts.db,
      provider: opts.provider(),
      workspaceId: opts.workspaceId,
      orderId,
      userId: opts.userId,
      appUrl: opts.appUrl,
      now: opts.now,
    });
    return { kind: "checkout", orderId, url: checkout.url };
  }
  return opts.db.transaction(async (tx) => {
    await lockEventCapacity(tx, offer.event.id, [offer.entry.ticketTypeId]);
    // Under the lock: the sweep or a decline may have ended it while this request waited.
    const [hold] = await tx.select().from(holds).where(eq(holds.id, offer.hold!.id));
    if (hold.status !== "held" || hold.expiresAt <= opts.now)
      throw new AppError("CONFLICT", "This offer is no longer open.");
    await tx.update(holds).set({ status: "converted", updatedAt: opts.now }).where(eq(holds.id, hold.id));
    await tx
      .update(orders)
      .set({ status: "paid", paidAt: opts.now, updatedAt: opts.now })
      .where(eq(orders.id, orderId));
    await tx
      .update(waitlistEntries)
      .set({ status: "converted", updatedAt: opts.now })
      .where(eq(waitlistEntries.id, offer.entry.id));
    const ticketIds = await issueTickets({
      tx,
      workspaceId: opts.workspaceId,
      eventId: offer.event.id,
      orderId,
      holderUserId: opts.userId,
      lines: [{ ticketTypeId: hold.ticketTypeId, quantity: hold.quantity, unitPriceCents: 0 }],
      paymentId: null,
      source: "free_signup",
      actor: { userId: opts.userId, meta: opts.meta ?? { ip: null, userAgent: null } },
      now: opts.now,
    });
    await recordTicketConfirmations({ tx, event: offer.event, holderUserId: opts.userId, appUrl: opts.appUrl });
    return { kind: "issued", orderId, ticketIds };
  });
}

export async function declineOffer(opts: {
  db: Database;
  workspaceId: string;
  token: string;
  userId: string;
  appUrl: string;
  now: Date;
}) {
  const offer = await findOffer(opts.db, opts.workspaceId, opts.token, opts.userId);
  if (stateOf(offer.entry.status, offer.hold, opts.now) !== "open")
    throw new AppError("CONFLICT", "This offer is no longer open.");
  await leaveWaitlist({
    db: opts.db,
    workspaceId: opts.workspaceId,
    entryId: offer.entry.id,
    userId: opts.userId,
    now: opts.now,
    appUrl: opts.appUrl,
  });
  return { declined: true };
}
