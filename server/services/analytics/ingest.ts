import { inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { analyticsFeedFetches, analyticsRequests, episodes, shows } from "../../../db/schema";
import { utcDay } from "./listener";
import type { EnclosureRequest, FeedFetch } from "./recording";

/**
 * Stores a batch of enclosure requests. Idempotent: each request's id was minted at the edge, so a redelivered
 * message inserts nothing new. Requests for an episode deleted since are dropped (their rows would cascade away).
 */
export async function ingestEnclosureRequests(opts: { db: DbOrTx; requests: readonly EnclosureRequest[] }) {
  const episodeIds = [...new Set(opts.requests.map((r) => r.episodeId))];
  const owners = await opts.db
    .select({
      id: episodes.id,
      workspaceId: episodes.workspaceId,
      showId: episodes.showId,
      mediaId: episodes.audioMediaId,
    })
    .from(episodes)
    .where(inArray(episodes.id, episodeIds));
  const ownerOf = new Map(owners.map((o) => [o.id, o]));
  const rows = opts.requests.flatMap((r) => {
    const owner = ownerOf.get(r.episodeId);
    if (!owner) return [];
    const requestedAt = new Date(r.requestedAt);
    return [
      {
        id: r.id,
        workspaceId: owner.workspaceId,
        showId: owner.showId,
        episodeId: owner.id,
        mediaId: owner.mediaId,
        requestedAt,
        day: utcDay(requestedAt),
        listenerKey: r.listenerKey,
        method: r.method,
        status: r.status,
        rangeHeader: r.rangeHeader,
        rangeStart: r.rangeStart,
        bytesSent: r.bytesSent,
        userAgent: r.userAgent,
        country: r.country,
        referrer: r.referrer,
        arrangementId: r.arrangementId,
      },
    ];
  });
  if (rows.length === 0) return { inserted: 0, unknownEpisode: opts.requests.length };
  const inserted = await opts.db
    .insert(analyticsRequests)
    .values(rows)
    .onConflictDoNothing({ target: analyticsRequests.id })
    .returning({ id: analyticsRequests.id });
  return { inserted: inserted.length, unknownEpisode: opts.requests.length - rows.length };
}

/**
 * Stores a batch of public feed fetches (docs/decisions/035), idempotent like enclosure requests. Fetches of a
 * show deleted since, or of an id that never was a show (a 404 is recorded too), are dropped.
 */
export async function ingestFeedFetches(opts: { db: DbOrTx; fetches: readonly FeedFetch[] }) {
  const showIds = [...new Set(opts.fetches.map((f) => f.showId))];
  const owners = await opts.db
    .select({ id: shows.id, workspaceId: shows.workspaceId })
    .from(shows)
    .where(inArray(shows.id, showIds));
  const workspaceOf = new Map(owners.map((o) => [o.id, o.workspaceId]));
  const rows = opts.fetches.flatMap((f) => {
    const workspaceId = workspaceOf.get(f.showId);
    if (!workspaceId) return [];
    const fetchedAt = new Date(f.fetchedAt);
    return [
      {
        id: f.id,
        workspaceId,
        showId: f.showId,
        fetchedAt,
        day: utcDay(fetchedAt),
        listenerKey: f.listenerKey,
        method: f.method,
        status: f.status,
        userAgent: f.userAgent,
        country: f.country,
      },
    ];
  });
  if (rows.length === 0) return { inserted: 0, unknownShow: opts.fetches.length };
  const inserted = await opts.db
    .insert(analyticsFeedFetches)
    .values(rows)
    .onConflictDoNothing({ target: analyticsFeedFetches.id })
    .returning({ id: analyticsFeedFetches.id });
  return { inserted: inserted.length, unknownShow: opts.fetches.length - rows.length };
}
