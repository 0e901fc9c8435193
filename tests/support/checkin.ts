import type { Database } from "../../db/client";
import { reserveTickets } from "../../server/services/events/reserve";
import { insertEvent } from "./events";
import { addMember, createUser } from "./factories";

/** A published free event in `workspaceId` and one RSVP ticket for a new supporter, issued by the real service. */
export async function eventWithTicket(db: Database, workspaceId: string, holderName = "Hana Holder") {
  const { event, types } = await insertEvent(db, workspaceId, { types: [{ name: "General admission" }] });
  const holder = await createUser(db, { name: holderName });
  const result = await reserveTickets({
    db,
    workspaceId,
    eventId: event.id,
    userId: holder.id,
    lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
    now: new Date(),
    appUrl: "http://greenroom.test",
  });
  if (result.status !== "issued") throw new Error("a free RSVP should issue its ticket at once");
  return { event, type: types[0], holder, ticketId: result.ticketIds[0] };
}

/** A steward of `workspaceId`: the one role that has check-in and nothing else. */
export async function addSteward(db: Database, workspaceId: string, name = "Stella Steward") {
  const steward = await createUser(db, { name });
  await addMember(db, workspaceId, steward, "steward");
  return steward;
}

let nonceSeq = 0;
/**
 * A scan as the check-in page records it: a random nonce (base64url), the ticket, the list, the device's time and
 * the version of the code it verified (1, a ticket's first code, unless said otherwise).
 */
export function scanOf(
  ticketId: string,
  opts: { list?: string; nonce?: string; scannedAt?: Date; secretVersion?: number } = {},
) {
  nonceSeq++;
  return {
    nonce: opts.nonce ?? `nonce${nonceSeq}${crypto.randomUUID().replace(/-/g, "")}`,
    ticketId,
    list: opts.list ?? "main",
    scannedAt: opts.scannedAt ?? new Date(),
    secretVersion: opts.secretVersion ?? 1,
  };
}
