import { and, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import { episodes, shows } from "../../../db/schema";
import { notFound } from "../../lib/errors";

/** Most episodes the flight form lists at once: a network has hundreds, and a longer list is found by searching. */
export const EPISODE_CHOICES_LIMIT = 25;

const likePattern = (query: string) => `%${query.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** Newest first, as the episode list orders them: published, then scheduled, then created. */
const newestFirst = [
  desc(sql`coalesce(${episodes.publishedAt}, ${episodes.publishAt}, ${episodes.createdAt})`),
  desc(episodes.id),
];

/**
 * The episodes a flight can target, for the flight form's picker: those matching a title search (or an episode
 * number) in one show or all of them, newest first and at most `limit`, with how many match in all; and the
 * episodes already ticked, whatever the search, so a choice survives the next search. Ticked ids that are not this
 * workspace's episodes are left out: the flight's save refuses them by name. One round trip (ADR 016).
 */
export async function listEpisodeChoices(opts: {
  db: DbOrTx;
  workspaceId: string;
  showId: string | null;
  query: string;
  selectedIds: string[];
  limit: number;
}) {
  const { db, workspaceId } = opts;
  const columns = {
    id: episodes.id,
    title: episodes.title,
    showId: episodes.showId,
    showTitle: shows.title,
    episodeNumber: episodes.episodeNumber,
    seasonNumber: episodes.seasonNumber,
    status: episodes.status,
    publishedAt: episodes.publishedAt,
  };
  const searched: SQL[] = [eq(episodes.workspaceId, workspaceId)];
  if (opts.showId) searched.push(eq(episodes.showId, opts.showId));
  if (opts.query) {
    const byTitle = ilike(episodes.title, likePattern(opts.query));
    searched.push(
      /^\d{1,9}$/.test(opts.query) ? or(byTitle, eq(episodes.episodeNumber, Number(opts.query)))! : byTitle,
    );
  }
  const fromEpisodes = () =>
    db
      .select(columns)
      .from(episodes)
      .innerJoin(shows, and(eq(shows.id, episodes.showId), eq(shows.workspaceId, episodes.workspaceId)));
  const selectedIds = [...new Set(opts.selectedIds)];
  const [showRows, matches, [total], selected] = await readBatch(db, [
    db
      .select({ id: shows.id })
      .from(shows)
      .where(and(eq(shows.workspaceId, workspaceId), eq(shows.id, opts.showId ?? sql`null::uuid`)))
      .limit(1),
    fromEpisodes()
      .where(and(...searched))
      .orderBy(...newestFirst)
      .limit(opts.limit),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(episodes)
      .where(and(...searched)),
    fromEpisodes()
      .where(
        and(eq(episodes.workspaceId, workspaceId), selectedIds.length ? inArray(episodes.id, selectedIds) : sql`false`),
      )
      .orderBy(...newestFirst),
  ]);
  if (opts.showId && !showRows[0]) throw notFound("Show");
  return { showId: opts.showId, query: opts.query, matches, total: total?.count ?? 0, selected };
}
