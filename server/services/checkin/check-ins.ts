import { aliasedTable, and, asc, count, desc, eq, ilike, inArray, isNull, max, or, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import {
  checkIns,
  DEFAULT_CHECK_IN_LIST,
  events,
  tickets,
  ticketTypes,
  users,
  type TicketStatus,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { ticketKeyPair } from "./signing";

/**
 * Check-in at the door (ADR 031). The steward's page downloads the event's ticket list and the workspace's public
 * key once, verifies and records scans offline, and uploads them with `syncScans`; the database's unique index on
 * (ticket, list) among live rows decides which of two gates admitted a ticket, and the per-workspace unique nonce
 * makes a re-upload find its own row instead of admitting twice.
 */

const steward = aliasedTable(users, "steward");
const holder = aliasedTable(users, "holder");

export interface CheckInView {
  id: string;
  ticketId: string;
  list: string;
  scannedAt: Date;
  createdAt: Date;
  stewardName: string;
  deviceLabel: string;
}

const checkInColumns = {
  id: checkIns.id,
  ticketId: checkIns.ticketId,
  list: checkIns.checkInList,
  scannedAt: checkIns.scannedAt,
  createdAt: checkIns.createdAt,
  stewardName: sql<string>`coalesce(${steward.name}, '')`,
  deviceLabel: checkIns.deviceLabel,
};

function eventOf(db: DbOrTx, workspaceId: string, eventId: string) {
  return db
    .select({
      id: events.id,
      title: events.title,
      startsAt: events.startsAt,
      endsAt: events.endsAt,
      timeZone: events.timeZone,
      venue: events.venue,
      status: events.status,
    })
    .from(events)
    .where(and(eq(events.id, eventId), eq(events.workspaceId, workspaceId)));
}

const ticketColumns = {
  id: tickets.id,
  secretVersion: tickets.secretVersion,
  status: tickets.status,
  holderName: sql<string>`coalesce(${holder.name}, '')`,
  holderEmail: sql<string>`coalesce(${holder.email}, '')`,
  typeName: ticketTypes.name,
};

export interface OfflineTicket {
  id: string;
  secretVersion: number;
  status: TicketStatus;
  holderName: string;
  holderEmail: string;
  typeName: string;
}

/**
 * Everything the steward's device needs to work without a network: the event, the workspace's public key, every
 * ticket of the event (with holder and type, any status, so a cancelled ticket is refused by name) and the live
 * check-ins. One batch.
 */
export async function loadOfflineList(opts: { db: Database; workspaceId: string; eventId: string; secret: string }) {
  const [eventRows, ticketRows, checkInRows] = await readBatch(opts.db, [
    eventOf(opts.db, opts.workspaceId, opts.eventId),
    opts.db
      .select(ticketColumns)
      .from(tickets)
      .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
      .leftJoin(holder, eq(holder.id, tickets.holderUserId))
      .where(and(eq(tickets.eventId, opts.eventId), eq(tickets.workspaceId, opts.workspaceId)))
      .orderBy(asc(holder.name), asc(tickets.id)),
    opts.db
      .select(checkInColumns)
      .from(checkIns)
      .leftJoin(steward, eq(steward.id, checkIns.stewardUserId))
      .where(
        and(eq(checkIns.eventId, opts.eventId), eq(checkIns.workspaceId, opts.workspaceId), isNull(checkIns.undoneAt)),
      )
      .orderBy(asc(checkIns.createdAt)),
  ]);
  const event = eventRows[0];
  if (!event) throw notFound("Event");
  const { publicKey } = await ticketKeyPair(opts.secret, opts.workspaceId);
  const lists = [...new Set([DEFAULT_CHECK_IN_LIST, ...checkInRows.map((row) => row.list)])];
  return { event, publicKey, lists, tickets: ticketRows as OfflineTicket[], checkIns: checkInRows };
}

export interface ScanUpload {
  nonce: string;
  ticketId: string;
  list: string;
  scannedAt: Date;
  /** The version of the code the device verified (or, for a manual check-in, the one its list holds). */
  secretVersion: number;
}

export type ScanOutcome =
  | { nonce: string; ticketId: string; outcome: "admitted"; checkIn: CheckInView }
  | { nonce: string; ticketId: string; outcome: "already_checked_in"; checkIn: CheckInView }
  | { nonce: string; ticketId: string; outcome: "undone"; checkIn: CheckInView }
  | { nonce: string; ticketId: string; outcome: "refused"; reason: string };

const REFUSED_STATUS: Record<Exclude<TicketStatus, "valid">, string> = {
  canceled: "This ticket was cancelled.",
  refunded: "This ticket was refunded.",
  transferred: "This ticket was transferred to someone else.",
};
const REPLACED_CODE =
  "This code was replaced: the ticket was transferred, and only the new holder's code admits. Refresh the list.";

/**
 * Uploads scans recorded on one device. Each scan is one row insert that does nothing on a conflict, so the first
 * upload of a ticket on a list (whichever gate's request commits first) admits it and every other scan of it
 * learns who did and when; a scan uploaded again finds its own row by nonce. Tickets must be this event's, in this
 * workspace (NOT_FOUND otherwise, as for any foreign id); cancelled ones are refused, and so is a code older than
 * the ticket's current one.
 *
 * Transfer vs check-in: the upload holds a share lock on each scanned ticket's row until it commits, and a transfer
 * takes that row's update lock. Whichever commits first wins: a transfer after an admission is refused (it sees the
 * live check-in), an upload after a transfer is refused (it sees the raised `secret_version`). The old code is
 * never admitted while its ticket goes to someone else.
 */
export async function syncScans(opts: {
  db: Database;
  workspaceId: string;
  eventId: string;
  userId: string;
  deviceId: string;
  deviceLabel: string;
  scans: readonly ScanUpload[];
  meta: RequestMeta;
  now: Date;
}): Promise<ScanOutcome[]> {
  if (opts.scans.length === 0) return [];
  const ticketIds = [...new Set(opts.scans.map((scan) => scan.ticketId))].sort();
  const [eventRows, ticketRows] = await readBatch(opts.db, [
    eventOf(opts.db, opts.workspaceId, opts.eventId),
    opts.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(
        and(
          inArray(tickets.id, ticketIds),
          eq(tickets.eventId, opts.eventId),
          eq(tickets.workspaceId, opts.workspaceId),
        ),
      ),
  ]);
  if (!eventRows[0]) throw notFound("Event");
  if (ticketRows.length !== ticketIds.length) throw notFound("Ticket");

  const outcomes = new Map<string, ScanOutcome>();
  const refuse = (scan: ScanUpload, reason: string) =>
    outcomes.set(scan.nonce, { nonce: scan.nonce, ticketId: scan.ticketId, outcome: "refused", reason });
  await opts.db.transaction(async (tx) => {
    // Share locks in id order (many gates may hold them at once); see the transfer rule above.
    const current = await tx
      .select({ id: tickets.id, status: tickets.status, secretVersion: tickets.secretVersion })
      .from(tickets)
      .where(and(inArray(tickets.id, ticketIds), eq(tickets.workspaceId, opts.workspaceId)))
      .orderBy(asc(tickets.id))
      .for("share");
    const ticketOf = new Map(current.map((row) => [row.id, row]));
    const admissible: ScanUpload[] = [];
    for (const scan of opts.scans) {
      const ticket = ticketOf.get(scan.ticketId)!;
      if (ticket.status !== "valid") refuse(scan, REFUSED_STATUS[ticket.status]);
      else if (scan.secretVersion !== ticket.secretVersion) refuse(scan, REPLACED_CODE);
      else admissible.push(scan);
    }
    // Rows are inserted in one order (ticket, list, nonce) by every upload, so two gates' overlapping batches wait
    // for each other instead of deadlocking. The upload and its audit row commit together (ADR 013).
    const sorted = admissible.sort((a, b) =>
      `${a.ticketId}|${a.list}|${a.nonce}`.localeCompare(`${b.ticketId}|${b.list}|${b.nonce}`),
    );
    await admit(tx, opts, sorted, outcomes);
    const tally = (outcome: ScanOutcome["outcome"]) =>
      [...outcomes.values()].filter((entry) => entry.outcome === outcome).length;
    await recordAudit({
      db: tx,
      action: "checkin.synced",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: {
        eventId: opts.eventId,
        deviceLabel: opts.deviceLabel,
        scans: opts.scans.length,
        admitted: tally("admitted"),
        alreadyCheckedIn: tally("already_checked_in"),
        refused: tally("refused"),
      },
      meta: opts.meta,
      now: opts.now,
    });
  });
  return opts.scans.map((scan) => outcomes.get(scan.nonce)!);
}

async function admit(
  db: DbOrTx,
  opts: { workspaceId: string; eventId: string; userId: string; deviceId: string; deviceLabel: string },
  scans: ScanUpload[],
  outcomes: Map<string, ScanOutcome>,
) {
  // A slot freed by an undo between the insert and the read leaves a scan with neither its own row nor a winner:
  // it is inserted again (at most twice more; an undo racing every attempt is refused, and the device retries).
  let pending = scans;
  for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
    await db
      .insert(checkIns)
      .values(
        pending.map((scan) => ({
          workspaceId: opts.workspaceId,
          eventId: opts.eventId,
          ticketId: scan.ticketId,
          checkInList: scan.list,
          nonce: scan.nonce,
          scannedAt: scan.scannedAt,
          stewardUserId: opts.userId,
          deviceId: opts.deviceId,
          deviceLabel: opts.deviceLabel,
        })),
      )
      .onConflictDoNothing();
    const rows = await db
      .select({ ...checkInColumns, nonce: checkIns.nonce, undoneAt: checkIns.undoneAt })
      .from(checkIns)
      .leftJoin(steward, eq(steward.id, checkIns.stewardUserId))
      .where(
        and(
          eq(checkIns.workspaceId, opts.workspaceId),
          eq(checkIns.eventId, opts.eventId),
          or(
            inArray(
              checkIns.nonce,
              pending.map((scan) => scan.nonce),
            ),
            and(
              inArray(
                checkIns.ticketId,
                pending.map((scan) => scan.ticketId),
              ),
              isNull(checkIns.undoneAt),
            ),
          ),
        ),
      );
    const next: ScanUpload[] = [];
    for (const scan of pending) {
      const own = rows.find((row) => row.nonce === scan.nonce);
      if (own && own.ticketId !== scan.ticketId) {
        outcomes.set(scan.nonce, {
          nonce: scan.nonce,
          ticketId: scan.ticketId,
          outcome: "refused",
          reason: "This scan's id was already used for another ticket; scan again.",
        });
        continue;
      }
      if (own) {
        outcomes.set(scan.nonce, {
          nonce: scan.nonce,
          ticketId: scan.ticketId,
          outcome: own.undoneAt ? "undone" : "admitted",
          checkIn: viewOf(own),
        });
        continue;
      }
      const winner = rows.find(
        (row) => row.ticketId === scan.ticketId && row.list === scan.list && row.undoneAt === null,
      );
      if (winner) {
        outcomes.set(scan.nonce, {
          nonce: scan.nonce,
          ticketId: scan.ticketId,
          outcome: "already_checked_in",
          checkIn: viewOf(winner),
        });
      } else next.push(scan);
    }
    pending = next;
  }
  for (const scan of pending) {
    outcomes.set(scan.nonce, {
      nonce: scan.nonce,
      ticketId: scan.ticketId,
      outcome: "refused",
      reason: "The check-in changed while uploading; try again.",
    });
  }
}

function viewOf(row: CheckInView): CheckInView {
  return {
    id: row.id,
    ticketId: row.ticketId,
    list: row.list,
    scannedAt: row.scannedAt,
    createdAt: row.createdAt,
    stewardName: row.stewardName,
    deviceLabel: row.deviceLabel,
  };
}

/** Undoes a mistaken admission: the row stays (who undid it, when, why) and the ticket may be scanned again. */
export async function undoCheckIn(opts: {
  db: Database;
  workspaceId: string;
  eventId: string;
  checkInId: string;
  userId: string;
  reason: string;
  meta: RequestMeta;
  now: Date;
}): Promise<{ ok: true }> {
  return opts.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: checkIns.id, ticketId: checkIns.ticketId, list: checkIns.checkInList, undoneAt: checkIns.undoneAt })
      .from(checkIns)
      .where(
        and(
          eq(checkIns.id, opts.checkInId),
          eq(checkIns.eventId, opts.eventId),
          eq(checkIns.workspaceId, opts.workspaceId),
        ),
      )
      .for("update");
    if (!row) throw notFound("Check-in");
    if (row.undoneAt) throw new AppError("CONFLICT", "This check-in was already undone.");
    await tx
      .update(checkIns)
      .set({ undoneAt: opts.now, undoneByUserId: opts.userId, undoReason: opts.reason || null })
      .where(and(eq(checkIns.id, row.id), eq(checkIns.workspaceId, opts.workspaceId)));
    await recordAudit({
      db: tx,
      action: "checkin.undone",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { eventId: opts.eventId, ticketId: row.ticketId, checkInId: row.id, list: row.list, reason: opts.reason },
      meta: opts.meta,
      now: opts.now,
    });
    return { ok: true as const };
  });
}

/** `%`, `_` and `\` typed by a person are literal characters, not patterns. */
const likePattern = (query: string) => `%${query.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** Tickets of the event whose holder's name or email contains the query, with their check-in on `list`. */
export async function searchTickets(opts: {
  db: Database;
  workspaceId: string;
  eventId: string;
  query: string;
  list: string;
}) {
  const pattern = likePattern(opts.query);
  const [eventRows, rows] = await readBatch(opts.db, [
    eventOf(opts.db, opts.workspaceId, opts.eventId),
    opts.db
      .select({
        ...ticketColumns,
        checkInId: checkIns.id,
        checkedInAt: checkIns.scannedAt,
        stewardName: sql<string | null>`${steward.name}`,
        deviceLabel: checkIns.deviceLabel,
      })
      .from(tickets)
      .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
      .leftJoin(holder, eq(holder.id, tickets.holderUserId))
      .leftJoin(
        checkIns,
        and(eq(checkIns.ticketId, tickets.id), eq(checkIns.checkInList, opts.list), isNull(checkIns.undoneAt)),
      )
      .leftJoin(steward, eq(steward.id, checkIns.stewardUserId))
      .where(
        and(
          eq(tickets.eventId, opts.eventId),
          eq(tickets.workspaceId, opts.workspaceId),
          or(ilike(holder.name, pattern), ilike(holder.email, pattern)),
        ),
      )
      .orderBy(asc(holder.name), asc(tickets.id))
      .limit(25),
  ]);
  if (!eventRows[0]) throw notFound("Event");
  return rows.map((row) => ({
    id: row.id,
    secretVersion: row.secretVersion,
    status: row.status as TicketStatus,
    holderName: row.holderName,
    holderEmail: row.holderEmail,
    typeName: row.typeName,
    checkIn:
      row.checkInId && row.checkedInAt
        ? {
            id: row.checkInId,
            scannedAt: row.checkedInAt,
            stewardName: row.stewardName ?? "",
            deviceLabel: row.deviceLabel ?? "",
          }
        : null,
  }));
}

/** Valid tickets and live check-ins per list, and the latest admissions (the page polls this). */
export async function checkInCounts(opts: { db: Database; workspaceId: string; eventId: string }) {
  const scope = and(eq(checkIns.eventId, opts.eventId), eq(checkIns.workspaceId, opts.workspaceId));
  const [eventRows, ticketCount, perList, recent] = await readBatch(opts.db, [
    eventOf(opts.db, opts.workspaceId, opts.eventId),
    opts.db
      .select({ valid: count() })
      .from(tickets)
      .where(
        and(eq(tickets.eventId, opts.eventId), eq(tickets.workspaceId, opts.workspaceId), eq(tickets.status, "valid")),
      ),
    opts.db
      .select({ list: checkIns.checkInList, checkedIn: count(), lastAt: max(checkIns.createdAt) })
      .from(checkIns)
      .where(and(scope, isNull(checkIns.undoneAt)))
      .groupBy(checkIns.checkInList)
      .orderBy(asc(checkIns.checkInList)),
    opts.db
      .select(checkInColumns)
      .from(checkIns)
      .leftJoin(steward, eq(steward.id, checkIns.stewardUserId))
      .where(and(scope, isNull(checkIns.undoneAt)))
      .orderBy(desc(checkIns.createdAt))
      .limit(20),
  ]);
  if (!eventRows[0]) throw notFound("Event");
  return {
    validTickets: ticketCount[0]?.valid ?? 0,
    lists: perList.map((row) => ({ list: row.list, checkedIn: row.checkedIn, lastAt: row.lastAt })),
    recent,
  };
}
