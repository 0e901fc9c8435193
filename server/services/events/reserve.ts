import { and, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { events, grants, holds, orders, promoCodes, ticketTypes } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { PROVIDER_ACTOR } from "../audience/grants";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { readAvailability, remainingFor, takeSeats, type Availability } from "./capacity";
import { lockEventCapacity } from "./locks";
import { recordTicketConfirmations } from "./notices";
import { issueTickets, type OrderLine } from "./tickets";
import { settleEventCapacity } from "./waitlist";

export interface ReserveInput {
  db: Database;
  workspaceId: string;
  eventId: string;
  userId: string;
  lines: readonly { ticketTypeId: string; quantity: number }[];
  promoCode?: string | null;
  now: Date;
  appUrl: string;
  meta?: RequestMeta;
}

export type ReserveResult =
  | { status: "issued"; orderId: string; ticketIds: string[] }
  | { status: "held"; orderId: string; totalCents: number; currency: string; expiresAt: Date };

const soldOut = () =>
  new AppError("CONFLICT", "Sold out: there are not enough seats left. You can join the waitlist.", {
    fieldErrors: { quantity: ["Not enough seats left."] },
  });

/** The tier ids the person holds an active grant for in this workspace (member pricing, early access). */
export async function activeTierIds(db: DbOrTx, workspaceId: string, userId: string, now: Date) {
  const rows = await db
    .select({ tierId: grants.tierId })
    .from(grants)
    .where(
      and(
        eq(grants.workspaceId, workspaceId),
        eq(grants.userId, userId),
        eq(grants.kind, "tier"),
        eq(grants.status, "active"),
        sql`${grants.startsAt} <= ${now.toISOString()}::timestamptz`,
        or(isNull(grants.endsAt), gt(grants.endsAt, now)),
      ),
    );
  return rows.flatMap((row) => (row.tierId ? [row.tierId] : []));
}

/**
 * Reserves seats in one transaction that serialises on the event (ADR 029): lock, settle lapsed holds (their seats go
 * to the waitlist first), check the sales window, count sold + held against the event's capacity and each type's
 * quantity, price the order (member price from the buyer's grants, promo code counted under the same lock), then
 * either issue the tickets (free) or hold the seats until the payment (paid).
 */
export async function reserveTickets(input: ReserveInput): Promise<ReserveResult> {
  const lines = mergeLines(input.lines);
  if (lines.length === 0) throw new AppError("BAD_REQUEST", "Choose at least one ticket.");
  // Most of a sell-out's traffic cannot fit even now: refuse it on one read, without queueing for the lock.
  const asked = lines.map((line) => ({ ...line, unitPriceCents: 0 }));
  if (!fits(await readAvailability(input.db, input.eventId, input.now), asked)) throw soldOut();
  // Prices, limits and the buyer's tiers are not what the lock protects: read them before taking it.
  const [types, tierIds] = await Promise.all([
    input.db
      .select()
      .from(ticketTypes)
      .where(
        and(
          eq(ticketTypes.eventId, input.eventId),
          eq(ticketTypes.workspaceId, input.workspaceId),
          inArray(
            ticketTypes.id,
            lines.map((line) => line.ticketTypeId),
          ),
          isNull(ticketTypes.archivedAt),
        ),
      ),
    activeTierIds(input.db, input.workspaceId, input.userId, input.now),
  ]);
  const typeById = new Map(types.map((type) => [type.id, type]));
  const priced: OrderLine[] = [];
  for (const line of lines) {
    const type = typeById.get(line.ticketTypeId);
    if (!type) throw notFound("Ticket type");
    if (line.quantity > type.maxPerOrder)
      throw new AppError("BAD_REQUEST", `At most ${type.maxPerOrder} of "${type.name}" per order.`, {
        fieldErrors: { quantity: [`At most ${type.maxPerOrder} per order.`] },
      });
    const member = type.memberPriceCents !== null && type.memberTierIds.some((id) => tierIds.includes(id));
    priced.push({
      ticketTypeId: type.id,
      quantity: line.quantity,
      unitPriceCents: member ? (type.memberPriceCents ?? type.priceCents) : type.priceCents,
    });
  }
  return input.db.transaction(async (tx) => {
    await lockEventCapacity(
      tx,
      input.eventId,
      lines.map((line) => line.ticketTypeId),
    );
    const [event] = await tx
      .select()
      .from(events)
      .where(and(eq(events.id, input.eventId), eq(events.workspaceId, input.workspaceId)));
    if (!event || event.status === "draft") throw notFound("Event");
    if (event.status === "canceled") throw new AppError("PRECONDITION_FAILED", "This event has been canceled.");
    for (const type of types) checkSalesWindow(event, type, tierIds, input.now);
    let availability = await readAvailability(tx, event.id, input.now);
    if (availability.lapsed > 0) {
      // Seats of lapsed holds go to the waitlist before anyone else can buy them.
      await settleEventCapacity({ tx, event, now: input.now, appUrl: input.appUrl });
      availability = await readAvailability(tx, event.id, input.now);
    }
    const currencies = new Set(types.filter((t) => t.priceCents > 0).map((t) => t.currency));
    if (currencies.size > 1) throw new AppError("BAD_REQUEST", "Buy tickets in different currencies separately.");
    const currency = [...currencies][0] ?? types[0].currency;

    if (!fits(availability, priced)) throw soldOut();

    const promo = input.promoCode ? await applyPromo(tx, event.id, input.promoCode, priced, input.now) : null;
    const subtotal = priced.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    const discount = promo?.discountCents ?? 0;
    const lineTotals = promo?.lines ?? priced;
    const total = subtotal - discount;

    const [order] = await tx
      .insert(orders)
      .values({
        workspaceId: input.workspaceId,
        eventId: event.id,
        userId: input.userId,
        status: total === 0 ? "paid" : "pending",
        subtotalCents: subtotal,
        discountCents: discount,
        totalCents: total,
        currency,
        promoCodeId: promo?.id ?? null,
        paidAt: total === 0 ? input.now : null,
        createdAt: input.now,
        updatedAt: input.now,
      })
      .returning({ id: orders.id });

    if (total === 0) {
      const ticketIds = await issueTickets({
        tx,
        workspaceId: input.workspaceId,
        eventId: event.id,
        orderId: order.id,
        holderUserId: input.userId,
        lines: lineTotals,
        paymentId: null,
        source: subtotal === 0 ? "free_signup" : "promotion",
        actor: { userId: input.userId, meta: input.meta ?? PROVIDER_ACTOR.meta },
        now: input.now,
      });
      await recordTicketConfirmations({ tx, event, holderUserId: input.userId, appUrl: input.appUrl });
      return { status: "issued", orderId: order.id, ticketIds };
    }
    const expiresAt = new Date(input.now.getTime() + event.holdMinutes * 60_000);
    await tx.insert(holds).values(
      lineTotals.map((line) => ({
        workspaceId: input.workspaceId,
        eventId: event.id,
        ticketTypeId: line.ticketTypeId,
        userId: input.userId,
        orderId: order.id,
        quantity: line.quantity,
        unitPriceCents: line.unitPriceCents,
        expiresAt,
        createdAt: input.now,
        updatedAt: input.now,
      })),
    );
    await recordAudit({
      db: tx,
      action: "order.reserved",
      actorUserId: input.userId,
      workspaceId: input.workspaceId,
      detail: { eventId: event.id, orderId: order.id, totalCents: total },
      meta: input.meta ?? PROVIDER_ACTOR.meta,
      now: input.now,
    });
    return { status: "held", orderId: order.id, totalCents: total, currency, expiresAt };
  });
}

/** Whether every line fits at once (two lines of one order share the event's remainder). */
function fits(availability: Availability, lines: readonly OrderLine[]) {
  for (const line of lines) {
    if (remainingFor(availability, line.ticketTypeId) < line.quantity) return false;
    takeSeats(availability, line.ticketTypeId, line.quantity, "held");
  }
  return true;
}

function mergeLines(lines: ReserveInput["lines"]) {
  const byType = new Map<string, number>();
  for (const line of lines) {
    if (!Number.isInteger(line.quantity) || line.quantity < 0)
      throw new AppError("BAD_REQUEST", "Choose a whole number of tickets.");
    if (line.quantity > 0) byType.set(line.ticketTypeId, (byType.get(line.ticketTypeId) ?? 0) + line.quantity);
  }
  return [...byType].map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
}

function checkSalesWindow(
  event: typeof events.$inferSelect,
  type: typeof ticketTypes.$inferSelect,
  tierIds: readonly string[],
  now: Date,
) {
  if (event.salesEndAt && now >= event.salesEndAt) throw new AppError("PRECONDITION_FAILED", "Sales have ended.");
  if (now >= event.endsAt) throw new AppError("PRECONDITION_FAILED", "This event is over.");
  if (!event.salesStartAt || now >= event.salesStartAt) return;
  const early =
    type.earlyAccessStartAt !== null &&
    now >= type.earlyAccessStartAt &&
    type.earlyAccessTierIds.some((id) => tierIds.includes(id));
  if (!early) throw new AppError("PRECONDITION_FAILED", "Sales have not started yet.");
}

/**
 * A promo code's uses are the orders that hold or bought with it; counted here, under the event's lock, so two
 * buyers cannot both take a code's last use. The discount applies per ticket of the types it covers.
 */
async function applyPromo(tx: DbOrTx, eventId: string, code: string, lines: readonly OrderLine[], now: Date) {
  const invalid = () =>
    new AppError("BAD_REQUEST", "That promo code is not valid.", { fieldErrors: { promoCode: ["Not valid."] } });
  const [promo] = await tx
    .select({
      promo: promoCodes,
      // Spelled with aliases: drizzle leaves columns of a single-table select unqualified, which a subquery on
      // another table would resolve against itself.
      uses: sql<number>`(select count(*) from orders o where o.promo_code_id = promo_codes.id
        and (o.status in ('paid', 'partially_refunded') or (o.status = 'pending' and exists (
          select 1 from holds h where h.order_id = o.id and h.status = 'held'
          and h.expires_at > ${now.toISOString()}::timestamptz))))::int`,
    })
    .from(promoCodes)
    .where(and(eq(promoCodes.eventId, eventId), eq(promoCodes.code, code.trim().toLowerCase())));
  if (!promo) throw invalid();
  const p = promo.promo;
  if ((p.validFrom && now < p.validFrom) || (p.validUntil && now >= p.validUntil)) throw invalid();
  if (p.maxUses !== null && promo.uses >= p.maxUses)
    throw new AppError("CONFLICT", "That promo code has been used up.", {
      fieldErrors: { promoCode: ["Used up."] },
    });
  let discountCents = 0;
  const discounted = lines.map((line) => {
    if (p.ticketTypeIds.length > 0 && !p.ticketTypeIds.includes(line.ticketTypeId)) return line;
    const off = p.kind === "percent" ? Math.round((line.unitPriceCents * p.value) / 100) : p.value;
    const unit = Math.max(0, line.unitPriceCents - off);
    discountCents += (line.unitPriceCents - unit) * line.quantity;
    return { ...line, unitPriceCents: unit };
  });
  return { id: p.id, discountCents, lines: discounted };
}
