import { and, count, desc, eq, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, memberships, shows, users } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { decodeCursor, pageOf } from "./cursor";
import { storedListenLinks, type ListenLink } from "./listen-links";
import { requireWorkspaceMedia } from "./media-refs";
import { podcastGuidFor } from "./podcast-guid";
import { podcastUrls } from "./urls";

export interface ShowFields {
  title: string;
  description: string;
  category: string;
  language: string;
  author: string;
  explicit: boolean;
  artworkMediaId: string | null;
  /** itunes:owner's email; null means the workspace owner's address. */
  ownerEmail: string | null;
  locked: boolean;
}

/**
 * The workspace's first owner's email: where itunes:owner points when the show names no address of its own. A
 * subquery, so it rides along in whatever statement reads the show (one round trip, ADR 016).
 */
export const workspaceOwnerEmail = sql<string | null>`(
  select ${users.email} from ${memberships} inner join ${users} on ${users.id} = ${memberships.userId}
  where ${memberships.workspaceId} = ${shows.workspaceId} and ${memberships.role} = 'owner'
  order by ${memberships.createdAt}, ${memberships.userId} limit 1)`;

/** Apple Podcasts: square, 1400 to 3000 pixels a side, JPEG or PNG. */
export const ARTWORK_MIN_PX = 1400;
export const ARTWORK_MAX_PX = 3000;
/** Set in the show's settings, not when it is created. */
export interface ShowSettings extends ShowFields {
  listenLinks: ListenLink[];
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
    .select({ show: shows, artworkContentType: mediaObjects.contentType, ownerEmail: workspaceOwnerEmail })
    .from(shows)
    .leftJoin(
      mediaObjects,
      and(eq(mediaObjects.id, shows.artworkMediaId), eq(mediaObjects.workspaceId, shows.workspaceId)),
    )
    .where(and(eq(shows.id, opts.showId), eq(shows.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Show");
  return presentShow(row.show, row.artworkContentType, opts.appUrl, row.ownerEmail);
}

export async function createShow(input: Actor & { fields: ShowFields; appUrl: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const artwork = opts.fields.artworkMediaId ? await requireArtwork(opts, opts.fields.artworkMediaId) : null;
    const id = crypto.randomUUID();
    const [show] = await opts.db
      .insert(shows)
      .values({
        ...opts.fields,
        id,
        // Stored, not derived on each read: directories follow the guid, so it must outlive a change of domain.
        ownerEmail: opts.fields.ownerEmail ?? (await ownerEmailOf(opts)),
        podcastGuid: await podcastGuidFor(podcastUrls(opts.appUrl).feed(id)),
        workspaceId: opts.workspaceId,
        createdAt: opts.now,
        updatedAt: opts.now,
      })
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
export async function updateShow(input: Actor & { showId: string; changes: Partial<ShowSettings>; appUrl: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const [current] = await opts.db
      .select({ artworkMediaId: shows.artworkMediaId, podcastGuid: shows.podcastGuid })
      .from(shows)
      .where(and(eq(shows.id, opts.showId), eq(shows.workspaceId, opts.workspaceId)))
      .limit(1);
    if (!current) throw notFound("Show");
    // Only new artwork is measured: a show keeps artwork it already had, even one uploaded before sizes were read.
    if (opts.changes.artworkMediaId && opts.changes.artworkMediaId !== current.artworkMediaId)
      await requireArtwork(opts, opts.changes.artworkMediaId);
    const { ownerEmail, ...changes } = opts.changes;
    const [show] = await opts.db
      .update(shows)
      .set({
        ...changes,
        // Clearing the address goes back to the workspace owner's, as at creation.
        ...(ownerEmail !== undefined ? { ownerEmail: ownerEmail ?? (await ownerEmailOf(opts)) } : {}),
        // A show made before podcast:guid existed gets the guid its feed had all along, now fixed.
        ...(current.podcastGuid
          ? {}
          : { podcastGuid: await podcastGuidFor(podcastUrls(opts.appUrl).feed(opts.showId)) }),
        updatedAt: opts.now,
      })
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

async function ownerEmailOf(opts: { db: DbOrTx; workspaceId: string }) {
  const [owner] = await opts.db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, opts.workspaceId), eq(memberships.role, "owner")))
    .orderBy(memberships.createdAt, memberships.userId)
    .limit(1);
  return owner?.email ?? null;
}

/** Directories refuse artwork that is not a JPEG or PNG, 1400-3000 px and square: say so with the measured size. */
async function requireArtwork(opts: { db: DbOrTx; workspaceId: string }, mediaId: string) {
  const media = await requireWorkspaceMedia({
    db: opts.db,
    workspaceId: opts.workspaceId,
    mediaId,
    kind: "image",
    field: "artworkMediaId",
    ready: true,
  });
  const refuse = (message: string) => {
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { artworkMediaId: [message] } });
  };
  if (media.contentType !== "image/jpeg" && media.contentType !== "image/png")
    refuse(`“${media.filename}” is not a JPEG or PNG. Podcast apps show only those: export the artwork as one.`);
  const { widthPx: width, heightPx: height } = media;
  if (!width || !height)
    return refuse(`The size of “${media.filename}” could not be read. Export it again as a JPEG or PNG and upload it.`);
  const measured = `“${media.filename}” is ${width} × ${height} px.`;
  if (width !== height)
    refuse(
      `${measured} Show artwork must be square, from ${ARTWORK_MIN_PX} × ${ARTWORK_MIN_PX} to ${ARTWORK_MAX_PX} × ${ARTWORK_MAX_PX} px: crop it.`,
    );
  if (width < ARTWORK_MIN_PX)
    refuse(`${measured} Show artwork must be at least ${ARTWORK_MIN_PX} × ${ARTWORK_MIN_PX} px: export it larger.`);
  if (width > ARTWORK_MAX_PX)
    refuse(`${measured} Show artwork must be at most ${ARTWORK_MAX_PX} × ${ARTWORK_MAX_PX} px: export it smaller.`);
  return media;
}

function presentShow(
  show: typeof shows.$inferSelect,
  artworkContentType: string | null,
  appUrl: string,
  workspaceOwner: string | null = null,
) {
  const urls = podcastUrls(appUrl);
  return {
    id: show.id,
    title: show.title,
    description: show.description,
    category: show.category,
    language: show.language,
    author: show.author,
    explicit: show.explicit,
    ownerEmail: show.ownerEmail ?? workspaceOwner,
    locked: show.locked,
    listenLinks: storedListenLinks(show.listenLinks),
    artworkMediaId: show.artworkMediaId,
    artworkUrl: show.artworkMediaId && artworkContentType ? urls.artwork(show.id, artworkContentType) : null,
    feedUrl: urls.feed(show.id),
    pageUrl: urls.showPage(show.id),
    createdAt: show.createdAt,
    updatedAt: show.updatedAt,
  };
}
