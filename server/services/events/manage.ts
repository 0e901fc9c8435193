import { and, asc, desc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { Database, DbOrTx } from "../../../db/client";
import {
  events,
  holds,
  mediaObjects,
  orders,
  promoCodes,
  ticketTypes,
  tickets,
  tiers,
  waitlistEntries,
  type EventKind,
  type Visibility,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { readAvailability } from "./capacity";
import { lockEventCapacity, lockKey } from "./locks";
import { recordEventChange } from "./notices";
import { recordingReads, recordingsFrom } from "./recordings";
import { instantOf, occurrenceStarts, optionalInstantOf, requireTimeZone, type Recurrence } from "./times";
import { settleEventCapacity } from "./waitlist";

/**
 * The creator's side of events (issue 13 items 1, 2; ADR 030): events and recurring series, ticket types, promo
 * codes. Every id a caller sends (event, media, tiers, ticket types) is read with the caller's workspace, so another
 * workspace's id is NOT_FOUND. Capacity changes go through the event's lock (ADR 029) and offer freed seats.
 */

export type EventRow = typeof events.$inferSelect;

export interface Actor {
  db: Database;
  workspaceId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
  /** For the links in waitlist offers a capacity change sends. */
  appUrl: string;
}

export interface EventFields {
  title: string;
  description: string;
  kind: EventKind;
  timeZone: string;
  /** Wall-clock times in `timeZone`, "YYYY-MM-DDTHH:mm". */
  startsAt: string;
  endsAt: string;
  venue: string;
  joinUrl: string | null;
  coverMediaId: string | null;
  capacity: number | null;
  salesStartAt: string | null;
  salesEndAt: string | null;
  visibility: Visibility;
  visibilityTierIds: string[];
}

/** Chosen tiers must be this workspace's; another workspace's tier reads as missing. */
async function requireTiers(db: DbOrTx, workspaceId: string, tierIds: readonly string[], field: string) {
  const unique = [...new Set(tierIds)];
  if (unique.length === 0) return [];
  const found = await db
    .select({ id: tiers.id })
    .from(tiers)
    .where(and(eq(tiers.workspaceId, workspaceId), inArray(tiers.id, unique)));
  if (found.length !== unique.length)
    throw new AppError("NOT_FOUND", "Tier not found.", { fieldErrors: { [field]: ["Choose tiers from the list."] } });
  return unique;
}

/** The cover must be a ready image of this workspace's media library. */
async function requireCover(db: DbOrTx, workspaceId: string, mediaId: string | null) {
  if (!mediaId) return null;
  const [media] = await db
    .select({ kind: mediaObjects.kind, status: mediaObjects.status })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.id, mediaId), eq(mediaObjects.workspaceId, workspaceId)));
  if (!media) throw notFound("Image");
  if (media.kind !== "image" || media.status !== "ready")
    throw new AppError("BAD_REQUEST", "Choose a ready image from the media library.", {
      fieldErrors: { coverMediaId: ["Choose a ready image from the media library."] },
    });
  return mediaId;
}

/** The stored columns of `fields`, with times resolved in the event's zone and references checked. */
async function columnsOf(db: DbOrTx, workspaceId: string, fields: EventFields) {
  requireTimeZone(fields.timeZone);
  const startsAt = instantOf(fields.startsAt, fields.timeZone, "startsAt");
  const endsAt = instantOf(fields.endsAt, fields.timeZone, "endsAt");
  if (endsAt <= startsAt)
    throw new AppError("BAD_REQUEST", "The event must end after it starts.", {
      fieldErrors: { endsAt: ["End after the start."] },
    });
  const salesStartAt = optionalInstantOf(fields.salesStartAt, fields.timeZone, "salesStartAt");
  const salesEndAt = optionalInstantOf(fields.salesEndAt, fields.timeZone, "salesEndAt");
  if (salesStartAt && salesEndAt && salesEndAt <= salesStartAt)
    throw new AppError("BAD_REQUEST", "Sales must end after they start.", {
      fieldErrors: { salesEndAt: ["End sales after they start."] },
    });
  if (fields.kind !== "in_person" && !fields.joinUrl)
    throw new AppError("BAD_REQUEST", "An online event needs a join link.", {
      fieldErrors: { joinUrl: ["Enter the link attendees use to join."] },
    });
  if (fields.visibility === "tiers" && fields.visibilityTierIds.length === 0)
    throw new AppError("BAD_REQUEST", "Choose at least one tier.", {
      fieldErrors: { visibilityTierIds: ["Choose at least one tier."] },
    });
  const [visibilityTierIds, coverMediaId] = await Promise.all([
    fields.visibility === "tiers"
      ? requireTiers(db, workspaceId, fields.visibilityTierIds, "visibilityTierIds")
      : Promise.resolve([]),
    requireCover(db, workspaceId, fields.coverMediaId),
  ]);
  return {
    title: fields.title,
    description: fields.description,
    kind: fields.kind,
    timeZone: fields.timeZone,
    startsAt,
    endsAt,
    venue: fields.kind === "online" ? "" : fields.venue,
    joinUrl: fields.kind === "in_person" ? null : fields.joinUrl,
    coverMediaId,
    capacity: fields.capacity,
    salesStartAt,
    salesEndAt,
    visibility: fields.visibility,
    visibilityTierIds,
  };
}

const shift = (date: Date | null, ms: number) => (date ? new Date(date.getTime() + ms) : null);

/**
 * Creates a draft event, or with `recurrence` every occurrence of a series at once (each its own event with its
 * own capacity and tickets, sharing `series_id`). Occurrences keep the first one's wall-clock time in its zone;
 * its duration and sales window move with it.
 */
export async function createEvent(opts: Actor & { fields: EventFields; recurrence: Recurrence | null }) {
  const starts = occurrenceStarts(opts.fields.startsAt, opts.recurrence);
  const first = await columnsOf(opts.db, opts.workspaceId, opts.fields);
  const occurrences = starts.map((local, index) => {
    const startsAt = index === 0 ? first.startsAt : instantOf(local, first.timeZone, "startsAt");
    const delta = startsAt.getTime() - first.startsAt.getTime();
    return {
      ...first,
      startsAt,
      endsAt: shift(first.endsAt, delta)!,
      salesStartAt: shift(first.salesStartAt, delta),
      salesEndAt: shift(first.salesEndAt, delta),
    };
  });
  const ids = occurrences.map(() => crypto.randomUUID());
  const seriesId = ids.length > 1 ? ids[0]! : null;
  return opts.db.transaction(async (tx) => {
    const rows = await tx
      .insert(events)
      .values(
        occurrences.map((columns, index) => ({
          ...columns,
          id: ids[index],
          seriesId,
          workspaceId: opts.workspaceId,
          createdAt: opts.now,
          updatedAt: opts.now,
        })),
      )
      .returning();
    await recordAudit({
      db: tx,
      action: "event.created",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: ids[0], title: first.title, occurrences: ids.length },
      meta: opts.meta,
      now: opts.now,
    });
    const ordered = ids.map((id) => rows.find((row) => row.id === id)!);
    return { event: ordered[0]!, seriesEventIds: seriesId ? ids : [] };
  });
}

async function lockedEvent(tx: DbOrTx, workspaceId: string, eventId: string) {
  const [event] = await tx
    .select()
    .from(events)
    .where(and(eq(events.id, eventId), eq(events.workspaceId, workspaceId)));
  if (!event) throw notFound("Event");
  await lockEventCapacity(tx, event.id);
  return event;
}

/**
 * A canceled event is final: its tickets ended and its paid orders are being refunded, so what it sells can no
 * longer change (the editor hides these forms; this is the check behind them).
 */
function refuseCanceled(event: { status: string }) {
  if (event.status === "canceled") throw new AppError("CONFLICT", "This event was canceled.");
}

/**
 * Replaces an event's fields. Capacity is changed under the event's lock: it may not drop below the seats already
 * sold or held, and seats it adds are offered to the waitlist in the same transaction (issue 13 item 5).
 */
export async function updateEvent(opts: Actor & { eventId: string; fields: EventFields }) {
  const columns = await columnsOf(opts.db, opts.workspaceId, opts.fields);
  return opts.db.transaction(async (tx) => {
    const before = await lockedEvent(tx, opts.workspaceId, opts.eventId);
    refuseCanceled(before);
    if (columns.capacity !== null) {
      const availability = await readAvailability(tx, before.id, opts.now);
      if (columns.capacity < availability.sold + availability.held)
        throw new AppError("CONFLICT", `${availability.sold + availability.held} seats are already taken.`, {
          fieldErrors: { capacity: [`Keep at least ${availability.sold + availability.held} seats.`] },
        });
    }
    const [event] = await tx
      .update(events)
      .set({ ...columns, updatedAt: opts.now })
      .where(eq(events.id, before.id))
      .returning();
    const grew = before.capacity !== null && (columns.capacity === null || columns.capacity > before.capacity);
    if (grew) await settleEventCapacity({ tx, event: event!, now: opts.now, appUrl: opts.appUrl });
    // A new time or place reaches every holder's calendar (ADR 032).
    await recordEventChange({ tx, before, after: event!, appUrl: opts.appUrl });
    await recordAudit({
      db: tx,
      action: "event.updated",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: before.id, capacity: columns.capacity },
      meta: opts.meta,
      now: opts.now,
    });
    return event!;
  });
}

/** Publishing shows a draft on the creator's pages and opens its sales window; it needs something to sell. */
export async function publishEvent(opts: Actor & { eventId: string }) {
  return opts.db.transaction(async (tx) => {
    const [event] = await tx
      .select()
      .from(events)
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId)))
      .for("update");
    if (!event) throw notFound("Event");
    if (event.status !== "draft") throw new AppError("CONFLICT", "Only a draft can be published.");
    const [type] = await tx
      .select({ id: ticketTypes.id })
      .from(ticketTypes)
      .where(and(eq(ticketTypes.eventId, event.id), sql`${ticketTypes.archivedAt} is null`))
      .limit(1);
    if (!type) throw new AppError("PRECONDITION_FAILED", "Add a ticket type (a free RSVP is one) before publishing.");
    const [published] = await tx
      .update(events)
      .set({ status: "published", updatedAt: opts.now })
      .where(eq(events.id, event.id))
      .returning();
    await recordAudit({
      db: tx,
      action: "event.published",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: event.id },
      meta: opts.meta,
      now: opts.now,
    });
    return published!;
  });
}

const soldOf = sql<number>`(select count(*) from ${tickets} t where t.event_id = "events"."id"
  and t.status = 'valid')::int`;

/** The workspace's events, soonest first, with seats sold (one statement). */
export function listEventsQuery(opts: { db: DbOrTx; workspaceId: string }) {
  return opts.db
    .select({
      id: events.id,
      title: events.title,
      kind: events.kind,
      status: events.status,
      startsAt: events.startsAt,
      endsAt: events.endsAt,
      timeZone: events.timeZone,
      capacity: events.capacity,
      seriesId: events.seriesId,
      visibility: events.visibility,
      sold: soldOf,
    })
    .from(events)
    .where(eq(events.workspaceId, opts.workspaceId))
    .orderBy(desc(events.startsAt), asc(events.id))
    .limit(500);
}

/** One event with its ticket types (seats sold and held) and promo codes (uses), read in one round trip. */
export async function getEvent(opts: { db: DbOrTx; workspaceId: string; eventId: string; now: Date; appUrl: string }) {
  const inWorkspace = (table: typeof ticketTypes | typeof promoCodes) =>
    and(eq(table.eventId, opts.eventId), eq(table.workspaceId, opts.workspaceId));
  const now = opts.now.toISOString();
  const [episodeRecordings, postRecordings] = recordingReads(opts.db, opts.workspaceId, [opts.eventId]);
  const [eventRows, typeRows, codeRows, recordingEpisodeRows, recordingPostRows] = await readBatch(opts.db, [
    opts.db
      .select()
      .from(events)
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId))),
    opts.db
      .select({
        type: ticketTypes,
        sold: sql<number>`(select count(*) from ${tickets} t where t.ticket_type_id = "ticket_types"."id"
          and t.status = 'valid')::int`,
        held: sql<number>`(select coalesce(sum(h.quantity), 0) from ${holds} h
          where h.ticket_type_id = "ticket_types"."id" and h.status = 'held' and h.expires_at > ${now}::timestamptz)::int`,
      })
      .from(ticketTypes)
      .where(inWorkspace(ticketTypes))
      .orderBy(sql`${ticketTypes.archivedAt} is not null`, asc(ticketTypes.position), asc(ticketTypes.createdAt)),
    opts.db
      .select({
        code: promoCodes,
        uses: sql<number>`(select count(*) from ${orders} o where o.promo_code_id = "promo_codes"."id"
          and o.status in ('paid', 'partially_refunded'))::int`,
      })
      .from(promoCodes)
      .where(inWorkspace(promoCodes))
      .orderBy(asc(promoCodes.code)),
    episodeRecordings,
    postRecordings,
  ]);
  const event = eventRows[0];
  if (!event) throw notFound("Event");
  return {
    event,
    ticketTypes: typeRows.map((row) => ({ ...row.type, sold: row.sold, held: row.held })),
    promoCodes: codeRows.map((row) => ({ ...row.code, uses: row.uses })),
    /** Its recordings for ticket holders (ADR 034), newest first. */
    recordings: recordingsFrom([recordingEpisodeRows, recordingPostRows], opts.workspaceId, opts.appUrl),
  };
}

export interface TicketTypeFields {
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  quantity: number | null;
  maxPerOrder: number;
  memberTierIds: string[];
  memberPriceCents: number | null;
  earlyAccessTierIds: string[];
  /** Wall-clock time in the event's zone. */
  earlyAccessStartAt: string | null;
}

async function ticketTypeColumns(db: DbOrTx, workspaceId: string, event: EventRow, fields: TicketTypeFields) {
  const [memberTierIds, earlyAccessTierIds] = await Promise.all([
    requireTiers(db, workspaceId, fields.memberTierIds, "memberTierIds"),
    requireTiers(db, workspaceId, fields.earlyAccessTierIds, "earlyAccessTierIds"),
  ]);
  if (memberTierIds.length > 0 && fields.memberPriceCents === null)
    throw new AppError("BAD_REQUEST", "Enter the member price.", {
      fieldErrors: { memberPriceCents: ["Enter the price members of the chosen tiers pay."] },
    });
  if (fields.memberPriceCents !== null && fields.memberPriceCents > fields.priceCents)
    throw new AppError("BAD_REQUEST", "The member price cannot be above the price.", {
      fieldErrors: { memberPriceCents: ["Charge members at most the price."] },
    });
  const earlyAccessStartAt = optionalInstantOf(fields.earlyAccessStartAt, event.timeZone, "earlyAccessStartAt");
  if (earlyAccessTierIds.length > 0 && !earlyAccessStartAt)
    throw new AppError("BAD_REQUEST", "Enter when early access starts.", {
      fieldErrors: { earlyAccessStartAt: ["Enter when early access starts."] },
    });
  return {
    ...fields,
    memberTierIds,
    memberPriceCents: memberTierIds.length > 0 ? fields.memberPriceCents : null,
    earlyAccessTierIds,
    earlyAccessStartAt: earlyAccessTierIds.length > 0 ? earlyAccessStartAt : null,
  };
}

/**
 * One event's paid tickets share one currency: an order, its refunds and the dashboard's revenue are in one
 * currency, so a mixed set is refused while the creator sets the types up rather than at the buyer's checkout.
 * Free types carry a currency they never charge in, so they are left out. Called under the events' locks, so two
 * editors adding types in different currencies at once cannot both pass.
 */
async function requireEventCurrency(
  tx: DbOrTx,
  eventIds: string[],
  fields: Pick<TicketTypeFields, "priceCents" | "currency">,
  exceptTypeId?: string,
) {
  if (fields.priceCents <= 0) return;
  const [other] = await tx
    .select({ currency: ticketTypes.currency })
    .from(ticketTypes)
    .where(
      and(
        inArray(ticketTypes.eventId, eventIds),
        gt(ticketTypes.priceCents, 0),
        ne(ticketTypes.currency, fields.currency),
        exceptTypeId ? ne(ticketTypes.id, exceptTypeId) : undefined,
      ),
    )
    .limit(1);
  if (!other) return;
  const theirs = other.currency.toUpperCase();
  throw new AppError("BAD_REQUEST", `This event's paid tickets are priced in ${theirs}; use ${theirs} here too.`, {
    fieldErrors: {
      currency: [`Choose ${theirs}: every paid ticket of one event is sold in the same currency.`],
    },
  });
}

async function eventOf(db: DbOrTx, workspaceId: string, eventId: string) {
  const [event] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, eventId), eq(events.workspaceId, workspaceId)));
  if (!event) throw notFound("Event");
  return event;
}

/** Adds a ticket type; with `wholeSeries` the same type is added to every occurrence of the event's series. */
export async function createTicketType(
  opts: Actor & { eventId: string; fields: TicketTypeFields; wholeSeries: boolean },
) {
  const event = await eventOf(opts.db, opts.workspaceId, opts.eventId);
  refuseCanceled(event);
  const columns = await ticketTypeColumns(opts.db, opts.workspaceId, event, opts.fields);
  return opts.db.transaction(async (tx) => {
    const targets =
      opts.wholeSeries && event.seriesId
        ? await tx
            .select({ id: events.id, startsAt: events.startsAt })
            .from(events)
            .where(and(eq(events.seriesId, event.seriesId), eq(events.workspaceId, opts.workspaceId)))
        : [{ id: event.id, startsAt: event.startsAt }];
    // Every occurrence's lock, in key order like every other multi-lock taker (ADR 029).
    const targetIds = targets
      .map((target) => target.id)
      .sort((a, b) => {
        const diff = lockKey(a) - lockKey(b);
        return diff > 0n ? 1 : diff < 0n ? -1 : 0;
      });
    for (const id of targetIds) await lockEventCapacity(tx, id);
    await requireEventCurrency(tx, targetIds, columns);
    const [last] = await tx
      .select({ position: sql<number>`coalesce(max(${ticketTypes.position}), -1)::int` })
      .from(ticketTypes)
      .where(eq(ticketTypes.eventId, event.id));
    const rows = await tx
      .insert(ticketTypes)
      .values(
        targets.map((target) => ({
          ...columns,
          earlyAccessStartAt: shift(columns.earlyAccessStartAt, target.startsAt.getTime() - event.startsAt.getTime()),
          workspaceId: opts.workspaceId,
          eventId: target.id,
          position: (last?.position ?? -1) + 1,
          createdAt: opts.now,
          updatedAt: opts.now,
        })),
      )
      .returning();
    await recordAudit({
      db: tx,
      action: "ticket_type.created",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: event.id, name: columns.name, events: targets.length },
      meta: opts.meta,
      now: opts.now,
    });
    return rows.find((row) => row.eventId === event.id)!;
  });
}

/**
 * Changes a ticket type under the event's lock: its quantity may not drop below what is sold and held, and a
 * raised quantity is offered to the waitlist at once.
 */
export async function updateTicketType(opts: Actor & { ticketTypeId: string; fields: TicketTypeFields }) {
  const [found] = await opts.db
    .select({ type: ticketTypes, event: events })
    .from(ticketTypes)
    .innerJoin(events, eq(events.id, ticketTypes.eventId))
    .where(and(eq(ticketTypes.id, opts.ticketTypeId), eq(ticketTypes.workspaceId, opts.workspaceId)));
  if (!found) throw notFound("Ticket type");
  refuseCanceled(found.event);
  const columns = await ticketTypeColumns(opts.db, opts.workspaceId, found.event, opts.fields);
  return opts.db.transaction(async (tx) => {
    await lockEventCapacity(tx, found.event.id, [found.type.id]);
    await requireEventCurrency(tx, [found.event.id], columns, found.type.id);
    if (columns.quantity !== null) {
      const own = (await readAvailability(tx, found.event.id, opts.now)).types.get(found.type.id);
      const taken = (own?.sold ?? 0) + (own?.held ?? 0);
      if (columns.quantity < taken)
        throw new AppError("CONFLICT", `${taken} of these tickets are already taken.`, {
          fieldErrors: { quantity: [`Keep at least ${taken}.`] },
        });
    }
    const [type] = await tx
      .update(ticketTypes)
      .set({ ...columns, updatedAt: opts.now })
      .where(eq(ticketTypes.id, found.type.id))
      .returning();
    const grew = found.type.quantity !== null && (columns.quantity === null || columns.quantity > found.type.quantity);
    if (grew) await settleEventCapacity({ tx, event: found.event, now: opts.now, appUrl: opts.appUrl });
    await recordAudit({
      db: tx,
      action: "ticket_type.updated",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: found.event.id, ticketTypeId: found.type.id, quantity: columns.quantity },
      meta: opts.meta,
      now: opts.now,
    });
    return type!;
  });
}

/** Archiving stops sales of a type; tickets already sold stay valid (types are never deleted: tickets point at them). */
export async function setTicketTypeArchived(opts: Actor & { ticketTypeId: string; archived: boolean }) {
  return opts.db.transaction(async (tx) => {
    const [type] = await tx
      .update(ticketTypes)
      .set({ archivedAt: opts.archived ? opts.now : null, updatedAt: opts.now })
      .where(and(eq(ticketTypes.id, opts.ticketTypeId), eq(ticketTypes.workspaceId, opts.workspaceId)))
      .returning();
    if (!type) throw notFound("Ticket type");
    await recordAudit({
      db: tx,
      action: "ticket_type.archived",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: type.eventId, ticketTypeId: type.id, archived: opts.archived },
      meta: opts.meta,
      now: opts.now,
    });
    return type;
  });
}

export interface PromoCodeFields {
  code: string;
  kind: "percent" | "amount";
  value: number;
  maxUses: number | null;
  validFrom: string | null;
  validUntil: string | null;
  ticketTypeIds: string[];
}

/** A promo code for one event; the ticket types it applies to must be that event's. */
export async function createPromoCode(opts: Actor & { eventId: string; fields: PromoCodeFields }) {
  const event = await eventOf(opts.db, opts.workspaceId, opts.eventId);
  refuseCanceled(event);
  const { fields } = opts;
  if (fields.kind === "percent" && fields.value > 100)
    throw new AppError("BAD_REQUEST", "A percentage is at most 100.", { fieldErrors: { value: ["Use 1 to 100."] } });
  const typeIds = [...new Set(fields.ticketTypeIds)];
  if (typeIds.length > 0) {
    const found = await opts.db
      .select({ id: ticketTypes.id })
      .from(ticketTypes)
      .where(and(eq(ticketTypes.eventId, event.id), inArray(ticketTypes.id, typeIds)));
    if (found.length !== typeIds.length) throw notFound("Ticket type");
  }
  const validFrom = optionalInstantOf(fields.validFrom, event.timeZone, "validFrom");
  const validUntil = optionalInstantOf(fields.validUntil, event.timeZone, "validUntil");
  return opts.db.transaction(async (tx) => {
    const [code] = await tx
      .insert(promoCodes)
      .values({
        workspaceId: opts.workspaceId,
        eventId: event.id,
        code: fields.code.toLowerCase(),
        kind: fields.kind,
        value: fields.value,
        maxUses: fields.maxUses,
        validFrom,
        validUntil,
        ticketTypeIds: typeIds,
        createdAt: opts.now,
      })
      .onConflictDoNothing()
      .returning();
    if (!code)
      throw new AppError("CONFLICT", "This event already has that code.", {
        fieldErrors: { code: ["Choose another code."] },
      });
    await recordAudit({
      db: tx,
      action: "promo_code.created",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: event.id, promoCodeId: code.id, code: code.code },
      meta: opts.meta,
      now: opts.now,
    });
    return code;
  });
}

/** Deleting a code stops new uses; orders that used it keep their price (their reference is cleared). */
export async function deletePromoCode(opts: Actor & { promoCodeId: string }) {
  return opts.db.transaction(async (tx) => {
    const [code] = await tx
      .delete(promoCodes)
      .where(and(eq(promoCodes.id, opts.promoCodeId), eq(promoCodes.workspaceId, opts.workspaceId)))
      .returning();
    if (!code) throw notFound("Promo code");
    await recordAudit({
      db: tx,
      action: "promo_code.deleted",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: code.eventId, promoCodeId: code.id, code: code.code },
      meta: opts.meta,
      now: opts.now,
    });
    return { id: code.id };
  });
}

/** Waitlist entries still waiting for the event (the dashboard's figure). */
export function waitingCount(db: DbOrTx, eventId: string) {
  return db
    .select({ count: sql<number>`count(*)::int` })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.eventId, eventId), eq(waitlistEntries.status, "waiting")));
}
