import { AppError } from "../../lib/errors";
import { describeGap, isTimeZone, resolveLocalTime, toZonedLocal } from "../social/schedule-time";

/**
 * Event times are typed as wall-clock times in the event's IANA zone ("2027-03-12T19:00" in "Europe/Berlin") and
 * stored as UTC instants (ADR 030). A time skipped by a DST change is refused with the gap named; a time that
 * happens twice takes the first.
 */

export { isTimeZone, toZonedLocal };

export function requireTimeZone(timeZone: string) {
  if (!isTimeZone(timeZone))
    throw new AppError("BAD_REQUEST", "Choose a time zone from the list.", {
      fieldErrors: { timeZone: ["Choose a time zone from the list."] },
    });
}

/** The UTC instant of `local` in `timeZone`, or BAD_REQUEST naming `field`. */
export function instantOf(local: string, timeZone: string, field: string): Date {
  const resolution = resolveLocalTime(local, timeZone);
  if (resolution.kind === "exact" || resolution.kind === "ambiguous") return resolution.instant;
  const message =
    resolution.kind === "gap"
      ? describeGap(local, timeZone, resolution)
      : "Enter a date and time like 2027-03-12 19:00.";
  throw new AppError("BAD_REQUEST", message, { fieldErrors: { [field]: [message] } });
}

export function optionalInstantOf(local: string | null, timeZone: string, field: string): Date | null {
  return local ? instantOf(local, timeZone, field) : null;
}

export const RECURRENCE_FREQUENCIES = ["daily", "weekly", "monthly"] as const;
export type RecurrenceFrequency = (typeof RECURRENCE_FREQUENCIES)[number];

/** "Every `interval` days/weeks/months, `count` occurrences in all", on the zone's wall clock. */
export interface Recurrence {
  frequency: RecurrenceFrequency;
  interval: number;
  count: number;
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * The wall-clock starts of a series: the first one's local time repeated by calendar arithmetic, so a weekly
 * 19:00 stays 19:00 across DST changes (its UTC instant moves). A monthly series starting after the 28th would
 * land on days some months lack; it is refused rather than moved silently.
 */
export function occurrenceStarts(firstLocal: string, recurrence: Recurrence | null): string[] {
  if (!recurrence || recurrence.count <= 1) return [firstLocal];
  const [date, time] = firstLocal.split("T");
  const [year, month, day] = date!.split("-").map(Number);
  if (recurrence.frequency === "monthly" && day! > 28) {
    const message = "A monthly series must start on day 28 or earlier: later days are missing from some months.";
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { startsAt: [message] } });
  }
  const starts: string[] = [];
  for (let i = 0; i < recurrence.count; i++) {
    const step = i * recurrence.interval;
    const next =
      recurrence.frequency === "monthly"
        ? new Date(Date.UTC(year!, month! - 1 + step, day!))
        : new Date(Date.UTC(year!, month! - 1, day! + step * (recurrence.frequency === "weekly" ? 7 : 1)));
    starts.push(`${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}T${time}`);
  }
  return starts;
}
