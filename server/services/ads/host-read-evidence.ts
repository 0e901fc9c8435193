import { and, asc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  adHostReadEvidence,
  campaignCreatives,
  campaignFlights,
  campaignFlightTargets,
  episodes,
  transcripts,
  transcriptSegments,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { auditAs, type Actor } from "../campaigns/records";
import { findHostReadEvidence } from "./host-read";

/**
 * The host-read evidence job (issue 14 item 7, ADR 024): once an episode's transcript is ready, every host-read
 * creative of every booked flight that covers the episode is searched for in it, and what was found (or not) is
 * stored per promo code, URL and talking point. A flight covers an episode it targets directly, or an episode of a
 * targeted show published within the flight's dates (older episodes were recorded before the deal existed).
 *
 * Idempotent: rows are keyed by (flight, creative, episode, kind, target) and replaced, and targets a creative no
 * longer has are dropped, so a re-run after a re-transcription or an edited creative leaves exactly one row per
 * thing looked for.
 */

/** Flights that ran something: drafts hold nothing, canceled ones ran nothing. */
const RUNNING = ["booked", "live", "paused", "completed"] as const;

export async function recordHostReadEvidence(opts: {
  db: DbOrTx;
  workspaceId: string;
  episodeId: string;
  now: Date;
}): Promise<{ checked: number; missing: number }> {
  const { db, workspaceId, episodeId } = opts;
  const [episode] = await db
    .select({ id: episodes.id, showId: episodes.showId, audioMediaId: episodes.audioMediaId })
    .from(episodes)
    .where(and(eq(episodes.id, episodeId), eq(episodes.workspaceId, workspaceId)))
    .limit(1);
  if (!episode?.audioMediaId) return { checked: 0, missing: 0 };
  const publishedDay = sql`(${episodes.publishedAt} at time zone 'UTC')::date`;
  const flights = await db
    .selectDistinct({ id: campaignFlights.id, campaignId: campaignFlights.campaignId })
    .from(campaignFlights)
    .innerJoin(
      campaignFlightTargets,
      and(
        eq(campaignFlightTargets.flightId, campaignFlights.id),
        eq(campaignFlightTargets.workspaceId, campaignFlights.workspaceId),
      ),
    )
    .innerJoin(episodes, and(eq(episodes.id, episodeId), eq(episodes.workspaceId, campaignFlights.workspaceId)))
    .where(
      and(
        eq(campaignFlights.workspaceId, workspaceId),
        inArray(campaignFlights.status, [...RUNNING]),
        or(
          eq(campaignFlightTargets.episodeId, episodeId),
          and(
            eq(campaignFlightTargets.showId, episodes.showId),
            sql`${publishedDay} between ${campaignFlights.startsOn} and ${campaignFlights.endsOn}`,
          ),
        ),
      ),
    );
  if (flights.length === 0) return { checked: 0, missing: 0 };
  const creatives = await db
    .select()
    .from(campaignCreatives)
    .where(
      and(
        eq(campaignCreatives.workspaceId, workspaceId),
        eq(campaignCreatives.kind, "host_read"),
        inArray(campaignCreatives.campaignId, [...new Set(flights.map((f) => f.campaignId))]),
      ),
    )
    .orderBy(asc(campaignCreatives.id));
  const segments = await db
    .select({ startMs: transcriptSegments.startMs, endMs: transcriptSegments.endMs, text: transcriptSegments.text })
    .from(transcriptSegments)
    .innerJoin(
      transcripts,
      and(eq(transcripts.id, transcriptSegments.transcriptId), eq(transcripts.workspaceId, workspaceId)),
    )
    .where(and(eq(transcripts.mediaId, episode.audioMediaId), eq(transcriptSegments.workspaceId, workspaceId)))
    .orderBy(asc(transcriptSegments.position));
  if (segments.length === 0) return { checked: 0, missing: 0 };

  const rows = flights.flatMap((flight) =>
    creatives
      // A campaign-wide creative is read in every flight; a flight's own only in that flight.
      .filter((c) => c.campaignId === flight.campaignId && (c.flightId === null || c.flightId === flight.id))
      .flatMap((creative) =>
        findHostReadEvidence({
          segments,
          promoCode: creative.promoCode,
          url: creative.url,
          talkingPoints: creative.talkingPoints,
        }).map((evidence) => ({
          workspaceId,
          flightId: flight.id,
          creativeId: creative.id,
          episodeId,
          ...evidence,
          checkedAt: opts.now,
        })),
      ),
  );
  await db.transaction(async (tx) => {
    // What an earlier run stored for targets since removed (an edited creative, a flight no longer covering).
    await tx.delete(adHostReadEvidence).where(
      and(
        eq(adHostReadEvidence.workspaceId, workspaceId),
        eq(adHostReadEvidence.episodeId, episodeId),
        rows.length === 0
          ? undefined
          : sql`(${adHostReadEvidence.flightId}, ${adHostReadEvidence.creativeId}, ${adHostReadEvidence.kind}, ${adHostReadEvidence.target}) not in (${sql.join(
              rows.map((r) => sql`(${r.flightId}::uuid, ${r.creativeId}::uuid, ${r.kind}, ${r.target})`),
              sql`, `,
            )})`,
      ),
    );
    if (rows.length > 0)
      await tx
        .insert(adHostReadEvidence)
        .values(rows)
        .onConflictDoUpdate({
          target: [
            adHostReadEvidence.flightId,
            adHostReadEvidence.creativeId,
            adHostReadEvidence.episodeId,
            adHostReadEvidence.kind,
            adHostReadEvidence.target,
          ],
          set: {
            found: sql`excluded.found`,
            passage: sql`excluded.passage`,
            startMs: sql`excluded.start_ms`,
            checkedAt: sql`excluded.checked_at`,
          },
        });
  });
  return { checked: rows.length, missing: rows.filter((r) => !r.found).length };
}

/** Evidence for every episode that plays a transcribed file (normally one). */
export async function recordHostReadEvidenceForMedia(opts: {
  db: DbOrTx;
  workspaceId: string;
  mediaId: string;
  now: Date;
}) {
  const rows = await opts.db
    .select({ id: episodes.id })
    .from(episodes)
    .where(and(eq(episodes.workspaceId, opts.workspaceId), eq(episodes.audioMediaId, opts.mediaId)));
  for (const row of rows) await recordHostReadEvidence({ ...opts, episodeId: row.id });
}

/**
 * The campaign page's "Check host reads again" (issue 14 item 7): the search above, on demand, for every episode
 * the flight covers that has audio, e.g. after a transcript was corrected or a creative added after transcription.
 * Each episode's run replaces its rows, so pressing it twice stores the same thing; the runs and the audit row
 * commit together. A draft or canceled flight ran nothing and has nothing to prove.
 */
export async function recheckFlightHostReads(input: Actor & { flightId: string }) {
  return input.db.transaction(async (tx) => {
    const [flight] = await tx
      .select({
        id: campaignFlights.id,
        campaignId: campaignFlights.campaignId,
        name: campaignFlights.name,
        status: campaignFlights.status,
        startsOn: campaignFlights.startsOn,
        endsOn: campaignFlights.endsOn,
      })
      .from(campaignFlights)
      .where(and(eq(campaignFlights.id, input.flightId), eq(campaignFlights.workspaceId, input.workspaceId)))
      .limit(1)
      .for("share");
    if (!flight) throw notFound("Flight");
    if (!(RUNNING as readonly string[]).includes(flight.status))
      throw new AppError(
        "PRECONDITION_FAILED",
        `${flight.name} is ${flight.status === "draft" ? "a draft" : "canceled"}: it ran no host reads to check.`,
      );
    const publishedDay = sql`(${episodes.publishedAt} at time zone 'UTC')::date`;
    const covered = await tx
      .selectDistinct({ id: episodes.id })
      .from(campaignFlightTargets)
      .innerJoin(
        episodes,
        and(
          eq(episodes.workspaceId, campaignFlightTargets.workspaceId),
          or(
            eq(episodes.id, campaignFlightTargets.episodeId),
            and(
              eq(episodes.showId, campaignFlightTargets.showId),
              sql`${publishedDay} between ${flight.startsOn} and ${flight.endsOn}`,
            ),
          ),
        ),
      )
      .where(
        and(
          eq(campaignFlightTargets.workspaceId, input.workspaceId),
          eq(campaignFlightTargets.flightId, flight.id),
          isNotNull(episodes.audioMediaId),
        ),
      )
      .orderBy(asc(episodes.id));
    let searched = 0;
    for (const episode of covered) {
      const run = await recordHostReadEvidence({
        db: tx,
        workspaceId: input.workspaceId,
        episodeId: episode.id,
        now: input.now,
      });
      if (run.checked > 0) searched++;
    }
    const [counts] = await tx
      .select({
        checked: sql<number>`count(*)`.mapWith(Number),
        missing: sql<number>`count(*) filter (where not ${adHostReadEvidence.found})`.mapWith(Number),
      })
      .from(adHostReadEvidence)
      .where(and(eq(adHostReadEvidence.workspaceId, input.workspaceId), eq(adHostReadEvidence.flightId, flight.id)));
    const result = {
      flightId: flight.id,
      episodes: covered.length,
      transcripts: searched,
      checked: counts?.checked ?? 0,
      missing: counts?.missing ?? 0,
      checkedAt: input.now,
    };
    await auditAs({ ...input, db: tx }, "campaign.host_reads_rechecked", {
      campaignId: flight.campaignId,
      flightId: flight.id,
      episodes: result.episodes,
      checked: result.checked,
      missing: result.missing,
    });
    return result;
  });
}
