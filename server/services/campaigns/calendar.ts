import { and, asc, eq, gte, inArray, lte, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import {
  advertisers,
  campaignFlights,
  campaignFlightTargets,
  campaigns,
  episodes,
  shows,
  type FlightPosition,
  type FlightStatus,
} from "../../../db/schema";
import { notFound } from "../../lib/errors";

/** Flights that hold dates on a show's calendar: planned drafts and canceled flights hold nothing. */
export const BOOKING_STATUSES: FlightStatus[] = ["booked", "live", "paused", "completed"];

export interface Booking {
  flightId: string;
  flightName: string;
  campaignId: string;
  campaignName: string;
  advertiserName: string;
  position: FlightPosition;
  status: FlightStatus;
  priority: number;
  startsOn: string;
  endsOn: string;
  /** True when the flight targets the whole show, so it plays on every episode whatever `episodeTitles` names. */
  everyEpisode: boolean;
  /** Episodes of this show the flight targets by name. */
  episodeTitles: string[];
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Every day of a YYYY-MM month as YYYY-MM-DD. */
export function daysOfMonth(month: string) {
  const [year, monthNumber] = month.split("-").map(Number);
  const count = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${month}-${pad(i + 1)}`);
}

/**
 * A show's bookings in one month: which flights hold which positions on which days, through the show itself or one
 * of its episodes. The show list (for the page's picker), the show and its flights are one batch (ADR 016).
 */
export async function getShowCalendar(opts: { db: DbOrTx; workspaceId: string; showId: string | null; month: string }) {
  const days = daysOfMonth(opts.month);
  const first = days[0];
  const last = days[days.length - 1];
  const { db, workspaceId } = opts;
  // Without a show the first one (by title) is shown, chosen in the same statements by subquery.
  const showId = opts.showId
    ? sql`${opts.showId}::uuid`
    : sql`(select ${shows.id} from ${shows} where ${shows.workspaceId} = ${workspaceId} order by ${shows.title}, ${shows.id} limit 1)`;
  const [showRows, showRow, rows] = await readBatch(db, [
    db
      .select({ id: shows.id, title: shows.title })
      .from(shows)
      .where(eq(shows.workspaceId, workspaceId))
      .orderBy(asc(shows.title), asc(shows.id))
      .limit(500),
    db
      .select({ id: shows.id, title: shows.title })
      .from(shows)
      .where(and(eq(shows.workspaceId, workspaceId), eq(shows.id, showId)))
      .limit(1),
    db
      .select({
        flightId: campaignFlights.id,
        flightName: campaignFlights.name,
        campaignId: campaigns.id,
        campaignName: campaigns.name,
        advertiserName: advertisers.name,
        position: campaignFlights.position,
        status: campaignFlights.status,
        priority: campaignFlights.priority,
        startsOn: campaignFlights.startsOn,
        endsOn: campaignFlights.endsOn,
        episodeId: episodes.id,
        episodeTitle: episodes.title,
      })
      .from(campaignFlightTargets)
      .innerJoin(
        campaignFlights,
        and(
          eq(campaignFlights.id, campaignFlightTargets.flightId),
          eq(campaignFlights.workspaceId, campaignFlightTargets.workspaceId),
        ),
      )
      .innerJoin(
        campaigns,
        and(eq(campaigns.id, campaignFlights.campaignId), eq(campaigns.workspaceId, campaignFlights.workspaceId)),
      )
      .innerJoin(
        advertisers,
        and(eq(advertisers.id, campaigns.advertiserId), eq(advertisers.workspaceId, campaigns.workspaceId)),
      )
      .leftJoin(
        episodes,
        and(
          eq(episodes.id, campaignFlightTargets.episodeId),
          eq(episodes.workspaceId, campaignFlightTargets.workspaceId),
        ),
      )
      .where(
        and(
          eq(campaignFlightTargets.workspaceId, workspaceId),
          or(eq(campaignFlightTargets.showId, showId), eq(episodes.showId, showId)),
          inArray(campaignFlights.status, BOOKING_STATUSES),
          sql`${campaigns.status} <> 'canceled'`,
          lte(campaignFlights.startsOn, last),
          gte(campaignFlights.endsOn, first),
        ),
      )
      .orderBy(asc(campaignFlights.startsOn), asc(campaignFlights.id)),
  ]);
  if (opts.showId && !showRow[0]) throw notFound("Show");
  const bookings = new Map<string, Booking>();
  const namedEpisodes = new Map<string, Set<string>>();
  for (const { episodeId, episodeTitle, ...row } of rows) {
    const booking = bookings.get(row.flightId) ?? { ...row, everyEpisode: false, episodeTitles: [] };
    const named = namedEpisodes.get(row.flightId) ?? new Set<string>();
    if (episodeId && episodeTitle) {
      booking.episodeTitles.push(episodeTitle);
      named.add(episodeId);
    } else booking.everyEpisode = true;
    bookings.set(row.flightId, booking);
    namedEpisodes.set(row.flightId, named);
  }
  const all = [...bookings.values()];
  // Two flights compete for a position only where both can play: on the whole show, or on an episode both name.
  const compete = (a: Booking, b: Booking) =>
    a.everyEpisode ||
    b.everyEpisode ||
    [...namedEpisodes.get(a.flightId)!].some((id) => namedEpisodes.get(b.flightId)!.has(id));
  const positions: FlightPosition[] = ["pre", "mid", "post"];
  return {
    month: opts.month,
    shows: showRows,
    show: showRow[0] ?? null,
    bookings: all,
    days: days.map((day) => ({
      day,
      // Per position, the flights holding it that day, highest priority first (the one that plays when they compete),
      // and those among them that compete with another for the same episode.
      positions: positions.map((position) => {
        const holding = all
          .filter((b) => b.position === position && b.startsOn <= day && b.endsOn >= day)
          .sort((a, b) => b.priority - a.priority);
        return {
          position,
          flightIds: holding.map((b) => b.flightId),
          competingFlightIds: holding
            .filter((a) => holding.some((b) => b !== a && compete(a, b)))
            .map((b) => b.flightId),
        };
      }),
    })),
  };
}
