import type { DbOrTx } from "../../../db/client";
import { tickets } from "../../../db/schema";
import { endGrant, issueGrant, PROVIDER_ACTOR, type EndedGrantStatus, type GrantActor } from "../audience/grants";
import { ensureSupporter } from "../audience/supporters";

export interface OrderLine {
  ticketTypeId: string;
  quantity: number;
  unitPriceCents: number;
}

/**
 * Issues an order's tickets in the caller's transaction, which holds the event's lock and has checked the seats are
 * free (or converted the order's holds). Each seat is one ticket row and one `kind = ticket` grant through the
 * grants service, the buyer becoming a supporter of the workspace if they were not. A paid seat's grant refers to
 * the payment (`${paymentId}:${ticketId}`), so a full refund or lost dispute at the provider ends it through the
 * ledger as well; a free seat's refers to the ticket.
 */
export async function issueTickets(opts: {
  tx: DbOrTx;
  workspaceId: string;
  eventId: string;
  orderId: string;
  holderUserId: string;
  lines: readonly OrderLine[];
  paymentId: string | null;
  /** free_signup for RSVPs, promotion for a code that made them free, payment otherwise. */
  source: "free_signup" | "promotion" | "payment";
  actor: GrantActor;
  now: Date;
}): Promise<string[]> {
  const seats = opts.lines.flatMap((line) =>
    Array.from({ length: line.quantity }, () => ({
      ticketId: crypto.randomUUID(),
      ticketTypeId: line.ticketTypeId,
      priceCents: line.unitPriceCents,
    })),
  );
  if (seats.length === 0) return [];
  const { supporter } = await ensureSupporter({
    db: opts.tx,
    workspaceId: opts.workspaceId,
    userId: opts.holderUserId,
    source: "checkout",
    actor: opts.actor,
    now: opts.now,
  });
  const rows = [];
  for (const seat of seats) {
    const { grant } = await issueGrant({
      db: opts.tx,
      workspaceId: opts.workspaceId,
      userId: opts.holderUserId,
      supporterId: supporter.id,
      kind: "ticket",
      tierId: null,
      eventId: opts.eventId,
      ticketId: seat.ticketId,
      source: opts.source,
      sourceRef: opts.paymentId ? `${opts.paymentId}:${seat.ticketId}` : `ticket:${seat.ticketId}`,
      startsAt: opts.now,
      endsAt: null,
      reason: `ticket of order ${opts.orderId}`,
      actor: opts.actor,
      now: opts.now,
    });
    rows.push({
      id: seat.ticketId,
      workspaceId: opts.workspaceId,
      eventId: opts.eventId,
      orderId: opts.orderId,
      ticketTypeId: seat.ticketTypeId,
      holderUserId: opts.holderUserId,
      grantId: grant.id,
      priceCents: seat.priceCents,
      createdAt: opts.now,
      updatedAt: opts.now,
    });
  }
  await opts.tx.insert(tickets).values(rows);
  return seats.map((seat) => seat.ticketId);
}

/** Ends the grants of tickets that stopped admitting (canceled, refunded), in the caller's transaction. */
export async function endTicketGrants(opts: {
  tx: DbOrTx;
  workspaceId: string;
  grantIds: readonly string[];
  status: EndedGrantStatus;
  reason: string;
  actor?: GrantActor;
  now: Date;
}) {
  for (const grantId of opts.grantIds)
    await endGrant({
      db: opts.tx,
      workspaceId: opts.workspaceId,
      grantId,
      status: opts.status,
      reason: opts.reason,
      actor: opts.actor ?? PROVIDER_ACTOR,
      now: opts.now,
    });
}
