/**
 * Pacing of a flight, daily: delivered impressions against the share of the goal its elapsed days should have
 * delivered (a straight line from start to end), whether that is on track, and what to offer when it is not.
 * Pure: the caller passes "today" from the clock, so a test freezes it.
 */

export type PacingStatus = "not_started" | "on_track" | "behind" | "delivered" | "under_delivered";

export interface Pacing {
  goal: number;
  delivered: number;
  /** Impressions the straight line expects by the end of yesterday (today's count is still growing). */
  expected: number;
  status: PacingStatus;
  /** Days left including today (0 once the flight has ended). */
  remainingDays: number;
  /** Impressions delivered per elapsed day so far. */
  dailyRate: number;
  /** Impressions the flight will miss its goal by at its current daily rate; 0 when on course. */
  projectedShortfall: number;
  /** What to offer the advertiser when the projection or the end result falls short; null otherwise. */
  makeGood: { impressions: number; extraDays: number } | null;
}

/** Below this share of the expected line a flight is "behind" (a day's noise is not under-delivery). */
export const BEHIND_BELOW = 0.9;

const DAY_MS = 86_400_000;
const dayNumber = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`) / DAY_MS;

export function flightPacing(opts: {
  goal: number;
  startsOn: string;
  endsOn: string;
  delivered: number;
  /** Today's UTC day, YYYY-MM-DD. */
  today: string;
}): Pacing {
  const { goal, delivered } = opts;
  const totalDays = dayNumber(opts.endsOn) - dayNumber(opts.startsOn) + 1;
  const today = dayNumber(opts.today);
  const elapsedDays = Math.min(totalDays, Math.max(0, today - dayNumber(opts.startsOn)));
  const remainingDays = Math.max(0, dayNumber(opts.endsOn) - today + 1);
  const expected = Math.floor((goal * elapsedDays) / totalDays);
  const dailyRate = elapsedDays > 0 ? delivered / elapsedDays : 0;
  // The rate so far × the days left, against what is still missing.
  const projectedShortfall = elapsedDays > 0 ? Math.max(0, Math.ceil(goal - delivered - dailyRate * remainingDays)) : 0;
  let status: PacingStatus;
  if (delivered >= goal) status = "delivered";
  else if (remainingDays === 0) status = "under_delivered";
  else if (elapsedDays === 0) status = "not_started";
  else status = delivered < expected * BEHIND_BELOW ? "behind" : "on_track";
  const short = status === "under_delivered" ? goal - delivered : status === "behind" ? projectedShortfall : 0;
  return {
    goal,
    delivered,
    expected,
    status,
    remainingDays,
    dailyRate,
    projectedShortfall,
    makeGood:
      short > 0
        ? {
            impressions: short,
            // Extra days at the rate delivered so far; a flight that delivered nothing gets its planned daily rate.
            extraDays: Math.ceil(short / (dailyRate > 0 ? dailyRate : goal / totalDays)),
          }
        : null,
  };
}
