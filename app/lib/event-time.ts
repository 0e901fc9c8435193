import { toZonedLocal } from "../../server/lib/time-zones";

/**
 * Event times shown on the event's own wall clock: "2027-03-12 19:00 (Europe/Berlin)". Built from Intl's numeric
 * parts only, which workerd and browsers agree on, so server and client render the same text.
 */
export function formatEventTime(date: Date, timeZone: string) {
  return `${toZonedLocal(date, timeZone).replace("T", " ")} (${timeZone})`;
}

/** The datetime-local value of `date` in the event's zone, for the editor's fields. */
export function eventLocalValue(date: Date | null, timeZone: string) {
  return date ? toZonedLocal(date, timeZone) : "";
}

export const EVENT_KIND_LABELS = { in_person: "In person", online: "Online", hybrid: "Hybrid" } as const;
