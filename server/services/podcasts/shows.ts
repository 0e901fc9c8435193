import { and, count, desc, eq, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, shows } from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { decodeCursor, pageOf } from "./cursor";
import { requireWorkspaceMedia } from "./media-refs";
import { podcastUrls } from "./urls";

export interface ShowFields {
  title: string;
  description: string;
  category: string;
  language: string;
  author: string;
  explicit: boolean;
  artworkMediaId: string | null;
}

interface Actor {
  db: DbOrTx;
  workspaceId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}

/** Newest first, keyset-paginated by (created_at, id), with each show's episode counts in the same query. */
export async function listShows(opts: { db: DbOrTx; workspaceId: string; limit: number; cursor?: string | null }) {
  const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await opts.db
    .select({
      id: shows.id,
      title: shows.title,
      category: shows.category,
      language: shows.language,
      createdAt: shows.createdAt,
      episodeCount: count(episodes.id),
      publishedCount: sql<number>`count(${episodes.id}) filter (where ${episodes.status} = 'published')`.mapWith(
        Number,
      ),
    })
    .from(shows)
    .leftJoin(episodes, and(eq(episodes.showId, shows.id), eq(episodes.workspaceId, shows.workspaceId)))
    .where(
      and(
        eq(shows.workspaceId, opts.workspaceId),
        cursor
          ? or(lt(shows.createdAt, cursor.at), and(eq(shows.createdAt, cursor.at), lt(shows.id, cursor.id)))
          : undefined,
      ),
    )
    .groupBy(shows.id)
    .orderBy(desc(shows.createdAt), desc(shows.id))
    .limit(opts.limit + 1);
  return pageOf(rows, opts.limit, (row) => row.createdAt);
}

export async function getShow(opts: { db: DbOrTx; workspaceId: string; showId: string; appUrl: string }) {
  const [row] = await opts.db
    .select({ show: shows, artworkContentType: mediaObjects.contentType })
    .from(shows)
    .leftJoin(
      mediaObjects,
      and(eq(mediaObjects.id, shows.artworkMediaId), eq(mediaObjects.workspaceId, shows.workspaceId)),
    )
    .where(and(eq(shows.id, opts.showId), eq(shows.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Show");
  return presentShow(row.show, row.artworkContentType, opts.appUrl);
}

export async function createShow(input: Actor & { fields: ShowFields; appUrl: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const artwork = opts.fields.artworkMediaId ? await requireArtwork(opts, opts.fields.artworkMediaId) : null;
    const [show] = await opts.db
      .insert(shows)
      .values({ ...opts.fields, workspaceId: opts.workspaceId, createdAt: opts.now, updatedAt: opts.now })
      .returning();
    await recordAudit({
      db: opts.db,
      action: "show.created",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { showId: show.id, title: show.title },
      meta: opts.meta,
      now: opts.now,
    });
    return presentShow(show, artwork?.contentType ?? null, opts.appUrl);
  });
}

/** Changes only the fields given; `artworkMediaId: null` removes the artwork. */
export async function updateShow(input: Actor & { showId: string; changes: Partial<ShowFields>; appUrl: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    if (opts.changes.artworkMediaId) await requireArtwork(opts, opts.changes.artworkMediaId);
    const [show] = await opts.db
      .update(shows)
      .set({ ...opts.changes, updatedAt: opts.now })
      .where(and(eq(shows.id, opts.showId), eq(shows.workspaceId, opts.workspaceId)))
      .returning();
    if (!show) throw notFound("Show");
    await recordAudit({
      db: opts.db,
      action: "show.updated",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { showId: show.id, title: show.title },
      meta: opts.meta,
      now: opts.now,
    });
    return getShow({ db: opts.db, workspaceId: opts.workspaceId, showId: show.id, appUrl: opts.appUrl });
  });
}

/** Deletes the show and, through the foreign key, its episodes; media files stay in the library. */
export async function deleteShow(input: Actor & { showId: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const [deleted] = await opts.db
      .delete(shows)
      .where(and(eq(shows.id, opts.showId), eq(shows.workspaceId, opts.workspaceId)))
      .returning({ id: shows.id, title: shows.title });
    if (!deleted) throw notFound("Show");
    await recordAudit({
      db: opts.db,
      action: "show.deleted",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { showId: deleted.id, title: deleted.title },
      meta: opts.meta,
      now: opts.now,
    });
    return { id: deleted.id };
  });
}

const requireArtwork = (opts: { db: DbOrTx; workspaceId: string }, mediaId: string) =>
  requireWorkspaceMedia({
    db: opts.db,
    workspaceId: opts.workspaceId,
    mediaId,
    kind: "image",
    field: "artworkMediaId",
    ready: true,
  });

function presentShow(show: typeof shows.$inferSelect, artworkContentType: string | null, appUrl: string) {
  const urls = podcastUrls(appUrl);
  return {
    id: show.id,
    title: show.title,
    description: show.description,
    category: show.category,
    language: show.language,
    author: show.author,
    explicit: show.explicit,
    artworkMediaId: show.artworkMediaId,
    artworkUrl: show.artworkMediaId && artworkContentType ? urls.artwork(show.id, artworkContentType) : null,
    feedUrl: urls.feed(show.id),
    pageUrl: urls.showPage(show.id),
    createdAt: show.createdAt,
    updatedAt: show.updatedAt,
  };
}
