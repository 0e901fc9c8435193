import { and, eq, inArray, lt } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { adListenerFlights } from "../../../db/schema";

/**
 * Frequency caps (docs/decisions/024, addendum "Frequency caps across episodes"): a flight with cap N is in at most
 * N distinct episodes' arrangements for one listener in one UTC day. Listener keys change daily with the salt, so
 * no cap can reach further than a day.
 */

export interface CappedFlight {
  flightId: string;
  cap: number;
}

/**
 * The capped flights this listener may not hear in this episode today: those already heard in `cap` other
 * episodes. An episode already counted keeps its ad, so repeated and range requests get the same arrangement.
 */
export async function cappedOutFlights(opts: {
  db: DbOrTx;
  workspaceId: string;
  day: string;
  listenerKey: string;
  episodeId: string;
  flights: readonly CappedFlight[];
}): Promise<{ cappedOut: Set<string>; heardHere: Set<string> }> {
  const rows = await opts.db
    .select({ flightId: adListenerFlights.flightId, episodeId: adListenerFlights.episodeId })
    .from(adListenerFlights)
    .where(
      and(
        eq(adListenerFlights.workspaceId, opts.workspaceId),
        eq(adListenerFlights.day, opts.day),
        eq(adListenerFlights.listenerKey, opts.listenerKey),
        inArray(
          adListenerFlights.flightId,
          opts.flights.map((f) => f.flightId),
        ),
      ),
    );
  const heardHere = new Set(rows.filter((r) => r.episodeId === opts.episodeId).map((r) => r.flightId));
  const cappedOut = new Set<string>();
  for (const flight of opts.flights) {
    if (heardHere.has(flight.flightId)) continue;
    const episodes = rows.filter((r) => r.flightId === flight.flightId).length;
    if (episodes >= flight.cap) cappedOut.add(flight.flightId);
  }
  return { cappedOut, heardHere };
}

/**
 * Counts the capped flights an arrangement played for this listener and episode (idempotent). Two first requests
 * of one listener for different episodes can race past the read before either writes, so both may play: a cap can
 * be exceeded by the number of such concurrent first requests, never by repeated requests.
 */
export async function recordListenerFlights(opts: {
  db: DbOrTx;
  workspaceId: string;
  day: string;
  listenerKey: string;
  episodeId: string;
  flightIds: readonly string[];
}) {
  if (opts.flightIds.length === 0) return;
  await opts.db
    .insert(adListenerFlights)
    .values(
      opts.flightIds.map((flightId) => ({
        workspaceId: opts.workspaceId,
        day: opts.day,
        listenerKey: opts.listenerKey,
        flightId,
        episodeId: opts.episodeId,
      })),
    )
    .onConflictDoNothing();
}

/** Forgets who heard what before `keepFrom` (the rollup job, with the salts those keys were made with). */
export async function deleteListenerFlightsBefore(opts: { db: DbOrTx; keepFrom: string }) {
  await opts.db.delete(adListenerFlights).where(lt(adListenerFlights.day, opts.keepFrom));
}
