/**
 * Wall-clock times in a named time zone, for the schedule field: the browser sends "2025-06-01T09:30" (a
 * datetime-local value) and the zone the person chose; the server turns that into the instant it means.
 */

import { isTimeZone, offsetAt, toZonedLocal } from "../../server/lib/time-zones";

export { isTimeZone };

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** Every zone the runtime knows, UTC first. Sent from the server so the browser renders the same list. */
export function timeZoneNames() {
  const names = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...names.filter((name) => name !== "UTC")];
}

/**
 * "2025-06-01T09:30" in "Europe/Berlin" -> 2025-06-01T07:30:00Z. A time skipped by a DST change resolves to the
 * offset before it; null when the value or zone is not valid.
 */
export function zonedLocalToUtc(local: string, timeZone: string): Date | null {
  const match = LOCAL.exec(local);
  if (!match || !isTimeZone(timeZone)) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(naive)) return null;
  const first = naive - offsetAt(naive, timeZone);
  return new Date(naive - offsetAt(first, timeZone));
}

/** The datetime-local value showing `date` on the zone's wall clock. */
export const utcToZonedLocal = toZonedLocal;
