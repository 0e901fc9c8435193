import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { AppError } from "../../lib/errors";

/** How long a transaction waits for an event's lock before the buyer is told to try again (ADR 029). */
export const LOCK_TIMEOUT = "3s";
const RETRY_AFTER_SECONDS = 2;

/** A row id's first 64 bits as a signed bigint: the advisory lock key space (collisions only cost waiting). */
export function lockKey(id: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${id.replace(/-/g, "").slice(0, 16)}`));
}

/**
 * Serialises every capacity change of one event: the event's advisory transaction lock first, then its ticket
 * types' in ascending key order, so two transactions never wait for each other in opposite orders. One statement
 * sets the lock timeout for this transaction and takes the locks; they end with the transaction. A timeout is a
 * retryable TOO_MANY_REQUESTS with Retry-After, never a half-done reservation.
 */
export async function lockEventCapacity(tx: DbOrTx, eventId: string, ticketTypeIds: readonly string[] = []) {
  const typeKeys = [...new Set(ticketTypeIds.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const keys = [lockKey(eventId), ...typeKeys.filter((key) => key !== lockKey(eventId))];
  const calls = sql.join(
    keys.map((key) => sql`pg_advisory_xact_lock(${key.toString()}::bigint)`),
    sql`, `,
  );
  try {
    await tx.execute(sql`select set_config('lock_timeout', ${LOCK_TIMEOUT}, true), ${calls}`);
  } catch (error) {
    if (isLockTimeout(error))
      throw new AppError("TOO_MANY_REQUESTS", "Many people are booking this event right now. Try again.", {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        cause: error,
      });
    throw error;
  }
}

/** 55P03 lock_not_available: lock_timeout elapsed. */
function isLockTimeout(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "55P03") return true;
  }
  return false;
}
