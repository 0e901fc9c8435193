/**
 * Wall-clock times in IANA zones for scheduling posts. Authors pick "2026-03-08T09:30" in "America/New_York";
 * the post is stored as the UTC instant that means. Around DST changes a wall-clock time can be missing (clocks
 * jump forward: refused, with the gap named, because silently moving a post is worse than asking) or happen twice
 * (clocks fall back: the first occurrence is used, and `describeAmbiguity` says so for the UI).
 */

import { isTimeZone, offsetAt, toZonedLocal } from "../../lib/time-zones";

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export { isTimeZone, offsetAt, toZonedLocal };

const pad = (n: number) => String(n).padStart(2, "0");

/** The local value as if it were UTC, in ms; null when malformed or not a real calendar date. */
function naiveOf(local: string): number | null {
  const match = LOCAL.exec(local);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  const back = new Date(naive);
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return naive;
}

/** "UTC−04:00" */
function formatOffset(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE);
  return `UTC${offsetMs < 0 ? "−" : "+"}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

export type LocalTimeResolution =
  | { kind: "exact"; instant: Date }
  /** Clocks fell back: the local time happened twice; `instant` is the first, `later` the second. */
  | { kind: "ambiguous"; instant: Date; later: Date }
  /** Clocks sprang forward over it: local times from `gapStart` (inclusive) to `gapEnd` (exclusive) do not exist. */
  | { kind: "gap"; gapStart: string; gapEnd: string }
  | { kind: "invalid" };

/**
 * Every UTC instant whose wall clock in `timeZone` reads `local`. Offsets a day either side cover any single
 * transition near the time (zones change offset at most a few times a year).
 */
export function resolveLocalTime(local: string, timeZone: string): LocalTimeResolution {
  const naive = naiveOf(local);
  if (naive === null || !isTimeZone(timeZone)) return { kind: "invalid" };
  const offsets = new Set([
    offsetAt(naive - DAY, timeZone),
    offsetAt(naive, timeZone),
    offsetAt(naive + DAY, timeZone),
  ]);
  const matches = [...offsets]
    .map((offset) => naive - offset)
    .filter((instant) => toZonedLocal(new Date(instant), timeZone) === local)
    .sort((x, y) => x - y);
  if (matches.length === 1) return { kind: "exact", instant: new Date(matches[0]) };
  if (matches.length > 1) return { kind: "ambiguous", instant: new Date(matches[0]), later: new Date(matches.at(-1)!) };
  return { kind: "gap", ...gapAround(naive, timeZone) };
}

/** The skipped wall-clock span containing `naive`: found by bisecting for the transition instant near it. */
function gapAround(naive: number, timeZone: string) {
  const before = offsetAt(naive - DAY, timeZone);
  let low = naive - DAY - Math.abs(before);
  let high = naive + DAY;
  while (high - low > MINUTE) {
    const middle = Math.floor((low + high) / 2 / MINUTE) * MINUTE;
    if (offsetAt(middle, timeZone) === before) low = middle;
    else high = middle;
  }
  const transition = high;
  const gapStart = new Date(transition + before).toISOString().slice(0, 16);
  const gapEnd = toZonedLocal(new Date(transition), timeZone);
  return { gapStart, gapEnd };
}

const timeOf = (local: string) => local.slice(11, 16);
const dateOf = (local: string) => local.slice(0, 10);

/** The message for a time skipped by a DST change, naming the gap and the zone. */
export function describeGap(local: string, timeZone: string, gap: { gapStart: string; gapEnd: string }): string {
  return (
    `${timeOf(local)} on ${dateOf(local)} does not exist in ${timeZone}: clocks jump from ${timeOf(gap.gapStart)} to ${timeOf(gap.gapEnd)}. ` +
    `Choose a time before ${timeOf(gap.gapStart)} or from ${timeOf(gap.gapEnd)} on.`
  );
}

/**
 * When `instant` is a wall-clock time that happens twice in `timeZone`, the sentence that says which one the post
 * uses; null otherwise.
 */
export function describeAmbiguity(instant: Date, timeZone: string): string | null {
  if (!isTimeZone(timeZone)) return null;
  const local = toZonedLocal(instant, timeZone);
  const resolution = resolveLocalTime(local, timeZone);
  if (resolution.kind !== "ambiguous") return null;
  const first = resolution.instant.getTime() === instant.getTime();
  const offset = formatOffset(offsetAt(instant.getTime(), timeZone));
  return `${timeOf(local)} happens twice on ${dateOf(local)} in ${timeZone} (clocks go back); this is the ${first ? "first" : "second"} one, at ${offset}.`;
}

/** The UTC instant of local midnight starting `date` ("YYYY-MM-DD"); a skipped midnight moves to the first minute that exists. */
export function startOfLocalDay(date: string, timeZone: string): Date | null {
  const local = `${date}T00:00`;
  const resolution = resolveLocalTime(local, timeZone);
  if (resolution.kind === "exact" || resolution.kind === "ambiguous") return resolution.instant;
  if (resolution.kind === "gap") return resolveLocalTimeOrNull(resolution.gapEnd, timeZone);
  return null;
}

function resolveLocalTimeOrNull(local: string, timeZone: string): Date | null {
  const resolution = resolveLocalTime(local, timeZone);
  return resolution.kind === "exact" || resolution.kind === "ambiguous" ? resolution.instant : null;
}

/** "YYYY-MM-DD" `days` after `date` (calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
