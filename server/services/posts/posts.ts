import { and, desc, eq, inArray, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, posts, tiers, type ContentVisibility, type PostStatus } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { requireVisibilityEvent } from "../audience/visibility";
import { recordAudit, type AuditAction } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { decodeCursor, pageOf } from "../podcasts/cursor";
import { podcastUrls } from "../podcasts/urls";
import { resolveReferences, sanitisePostHtml, textOfHtml, type EpisodeEmbed, type MediaAddress } from "./sanitise";
import { postUrls } from "./urls";

export interface PostFields {
  title: string;
  /** HTML from the editor or the plain fallback; sanitised here, whoever sent it. */
  bodyHtml: string;
  bodyJson: unknown;
  /** The teaser everyone sees; empty on a public post means "the body's first lines". */
  excerpt: string;
  visibility: ContentVisibility;
  visibilityTierIds: string[];
  /** visibility = ticket_holders: the event whose ticket holders may read it (ADR 034). */
  visibilityEventId: string | null;
}

export interface PostChanges extends Partial<PostFields> {
  status?: PostStatus;
  publishAt?: Date | null;
  /** Send as a newsletter when it goes live (now, or when the schedule fires). */
  sendNewsletter?: boolean;
}

interface Actor {
  db: DbOrTx;
  workspaceId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}

const EXCERPT_FROM_BODY = 280;

export function slugOf(title: string) {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "post";
}

/** A public post's teaser may come from its body; a gated post's only from what the creator wrote for everyone. */
function teaserOf(excerpt: string, visibility: ContentVisibility, bodyHtml: string) {
  if (excerpt || visibility !== "public") return excerpt;
  const text = textOfHtml(bodyHtml).replace(/\s+/g, " ");
  return text.length <= EXCERPT_FROM_BODY ? text : `${text.slice(0, EXCERPT_FROM_BODY - 1).trimEnd()}…`;
}

/** Chosen tiers must be this workspace's; another workspace's tier is NOT_FOUND like one that does not exist. */
async function requireTiers(opts: Actor, visibility: ContentVisibility, tierIds: readonly string[]) {
  if (visibility !== "tiers") return [];
  const unique = [...new Set(tierIds)];
  if (unique.length === 0) {
    const message = "Choose at least one tier.";
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { visibilityTierIds: [message] } });
  }
  const found = await opts.db
    .select({ id: tiers.id })
    .from(tiers)
    .where(and(eq(tiers.workspaceId, opts.workspaceId), inArray(tiers.id, unique)));
  if (found.length !== unique.length) throw notFound("Tier");
  return unique;
}

/**
 * Sanitises the body and checks every media file and episode it references belongs to this workspace (another
 * workspace's id is NOT_FOUND), then writes their addresses in. Post media is served through the post
 * (`/media/posts/:post/:media`), so a reader's access to it follows the post's gate.
 */
async function prepareBody(opts: Actor, postId: string, bodyHtml: string) {
  const body = sanitisePostHtml(bodyHtml);
  const mediaIds = [...new Set(body.mediaIds.map((ref) => ref.id))];
  const [media, embedded] = await Promise.all([
    mediaIds.length
      ? opts.db
          .select({ id: mediaObjects.id, kind: mediaObjects.kind, status: mediaObjects.status })
          .from(mediaObjects)
          .where(and(eq(mediaObjects.workspaceId, opts.workspaceId), inArray(mediaObjects.id, mediaIds)))
      : Promise.resolve([]),
    body.episodeIds.length
      ? opts.db
          .select({
            id: episodes.id,
            title: episodes.title,
            showId: episodes.showId,
            status: episodes.status,
            audioType: mediaObjects.contentType,
          })
          .from(episodes)
          .leftJoin(
            mediaObjects,
            and(eq(mediaObjects.id, episodes.audioMediaId), eq(mediaObjects.workspaceId, episodes.workspaceId)),
          )
          .where(and(eq(episodes.workspaceId, opts.workspaceId), inArray(episodes.id, body.episodeIds)))
      : Promise.resolve([]),
  ]);
  const mediaById = new Map(media.map((row) => [row.id, row]));
  for (const ref of body.mediaIds) {
    const row = mediaById.get(ref.id);
    if (!row) throw notFound("Media file");
    if (row.kind !== ref.kind || row.status !== "ready") {
      const message =
        ref.kind === "image"
          ? "Choose a ready image from the media library."
          : "Choose ready audio from the media library.";
      throw new AppError("BAD_REQUEST", message, { fieldErrors: { bodyHtml: [message] } });
    }
  }
  if (embedded.length !== body.episodeIds.length) throw notFound("Episode");
  const urls = postUrls("");
  const podcast = podcastUrls("");
  const addresses = new Map<string, MediaAddress>(mediaIds.map((id) => [id, { id, url: urls.media(postId, id) }]));
  const embeds = new Map<string, EpisodeEmbed>(
    embedded.map((episode) => {
      const live = episode.status === "published";
      return [
        episode.id,
        {
          id: episode.id,
          title: episode.title,
          pageUrl: live ? podcast.episodePage(episode.showId, episode.id) : null,
          audioUrl: live && episode.audioType ? podcast.enclosure(episode.id, episode.audioType) : null,
        },
      ];
    }),
  );
  return {
    html: resolveReferences(body.html, { media: addresses, episodes: embeds }),
    mediaIds,
    episodeIds: body.episodeIds,
  };
}

async function audit(opts: Actor, action: AuditAction, post: { id: string; title: string }) {
  await recordAudit({
    db: opts.db,
    action,
    actorUserId: opts.actorUserId,
    workspaceId: opts.workspaceId,
    detail: { postId: post.id, title: post.title },
    meta: opts.meta,
    now: opts.now,
  });
}

/** A new post is always a draft; publishing and scheduling go through `updatePost`. */
export async function createPost(input: Actor & { fields: PostFields }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const id = crypto.randomUUID();
    const tierIds = await requireTiers(opts, opts.fields.visibility, opts.fields.visibilityTierIds);
    const eventId = await requireVisibilityEvent(opts, opts.fields);
    const body = await prepareBody(opts, id, opts.fields.bodyHtml);
    const [post] = await tx
      .insert(posts)
      .values({
        id,
        workspaceId: opts.workspaceId,
        authorUserId: opts.actorUserId,
        title: opts.fields.title,
        slug: slugOf(opts.fields.title),
        bodyHtml: body.html,
        bodyJson: opts.fields.bodyJson ?? null,
        excerpt: teaserOf(opts.fields.excerpt, opts.fields.visibility, body.html),
        mediaIds: body.mediaIds,
        episodeIds: body.episodeIds,
        visibility: opts.fields.visibility,
        visibilityTierIds: tierIds,
        visibilityEventId: eventId,
        status: "draft",
        createdAt: opts.now,
        updatedAt: opts.now,
      })
      .returning();
    await audit(opts, "post.created", post);
    return presentPost(post);
  });
}

/**
 * Changes the fields given and moves the status: scheduled needs a future `publishAt`; published stamps
 * `publishedAt` once. The write applies only if the status is still the one read, so an edit racing the publish
 * cron fails with CONFLICT instead of undoing the publish. Returns whether a newsletter should start now (the
 * caller queues it after the commit).
 */
export async function updatePost(input: Actor & { postId: string; changes: PostChanges }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const [current] = await tx
      .select()
      .from(posts)
      .where(and(eq(posts.id, opts.postId), eq(posts.workspaceId, opts.workspaceId)))
      .limit(1);
    if (!current) throw notFound("Post");
    const { status: requested, publishAt: requestedPublishAt, sendNewsletter, ...fields } = opts.changes;
    const status = requested ?? current.status;
    const visibility = fields.visibility ?? current.visibility;
    const tierIds =
      fields.visibility !== undefined || fields.visibilityTierIds !== undefined
        ? await requireTiers(opts, visibility, fields.visibilityTierIds ?? current.visibilityTierIds)
        : current.visibilityTierIds;
    const eventId =
      fields.visibility !== undefined || fields.visibilityEventId !== undefined
        ? await requireVisibilityEvent(opts, {
            visibility,
            visibilityEventId: fields.visibilityEventId ?? current.visibilityEventId,
          })
        : current.visibilityEventId;
    const body = fields.bodyHtml !== undefined ? await prepareBody(opts, current.id, fields.bodyHtml) : null;
    const bodyHtml = body?.html ?? current.bodyHtml;
    const excerpt =
      fields.excerpt !== undefined || body || fields.visibility !== undefined
        ? teaserOf(fields.excerpt ?? current.excerpt, visibility, bodyHtml)
        : current.excerpt;

    let publishAt = current.publishAt;
    let publishedAt = current.publishedAt;
    if (status === "draft") {
      publishAt = null;
      publishedAt = null;
    } else if (status === "scheduled") {
      const moved = current.status !== "scheduled" || requestedPublishAt !== undefined;
      publishAt = requestedPublishAt === undefined ? current.publishAt : requestedPublishAt;
      if (moved && (!publishAt || publishAt.getTime() <= opts.now.getTime())) {
        const message = publishAt ? "Pick a time in the future." : "Pick when the post should go live.";
        throw new AppError("BAD_REQUEST", "The post cannot be scheduled.", { fieldErrors: { publishAt: [message] } });
      }
      publishedAt = null;
    } else if (current.status !== "published") {
      publishAt = null;
      publishedAt = opts.now;
    }

    // A newsletter goes once per post: asked for a post that is live, it starts now; for one scheduled, when it goes
    // live; a draft keeps the wish as `pending` too. Once sending or sent, asking again changes nothing.
    let newsletterState = current.newsletterState;
    if (sendNewsletter === true && (newsletterState === "none" || newsletterState === "pending"))
      newsletterState = status === "published" ? "sending" : "pending";
    if (sendNewsletter === false && newsletterState === "pending") newsletterState = "none";
    const startsNewsletter = newsletterState === "sending" && current.newsletterState !== "sending";

    const [updated] = await tx
      .update(posts)
      .set({
        ...(fields.title !== undefined ? { title: fields.title, slug: slugOf(fields.title) } : {}),
        ...(fields.bodyJson !== undefined ? { bodyJson: fields.bodyJson ?? null } : {}),
        ...(body ? { bodyHtml, mediaIds: body.mediaIds, episodeIds: body.episodeIds } : {}),
        excerpt,
        visibility,
        visibilityTierIds: tierIds,
        visibilityEventId: eventId,
        status,
        publishAt,
        publishedAt,
        publishError: status === current.status ? current.publishError : null,
        newsletterState,
        newsletterRequestedAt: startsNewsletter ? opts.now : current.newsletterRequestedAt,
        updatedAt: opts.now,
      })
      .where(and(eq(posts.id, current.id), eq(posts.workspaceId, opts.workspaceId), eq(posts.status, current.status)))
      .returning();
    if (!updated)
      throw new AppError(
        "CONFLICT",
        "The post changed while you were editing it (it may have just gone live). Reload it.",
      );
    const action: AuditAction =
      status === current.status
        ? "post.updated"
        : status === "published"
          ? "post.published"
          : status === "scheduled"
            ? "post.scheduled"
            : "post.unpublished";
    await audit(opts, action, updated);
    return { post: presentPost(updated), startsNewsletter };
  });
}

export async function deletePost(opts: Actor & { postId: string }) {
  return opts.db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(posts)
      .where(and(eq(posts.id, opts.postId), eq(posts.workspaceId, opts.workspaceId)))
      .returning({ id: posts.id, title: posts.title });
    if (!deleted) throw notFound("Post");
    await audit({ ...opts, db: tx }, "post.deleted", deleted);
    return { id: deleted.id };
  });
}

export function presentPost(post: typeof posts.$inferSelect) {
  return {
    id: post.id,
    title: post.title,
    slug: post.slug,
    bodyHtml: post.bodyHtml,
    bodyJson: post.bodyJson ?? null,
    excerpt: post.excerpt,
    visibility: post.visibility,
    visibilityTierIds: post.visibilityTierIds,
    visibilityEventId: post.visibilityEventId,
    status: post.status,
    publishAt: post.publishAt,
    publishedAt: post.publishedAt,
    publishError: post.publishError,
    newsletterState: post.newsletterState,
    newsletterRequestedAt: post.newsletterRequestedAt,
    newsletterSentAt: post.newsletterSentAt,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
  };
}

/** The creator's view of one post, with its newsletter's delivery progress, in one round trip. */
export async function getPost(opts: { db: DbOrTx; workspaceId: string; postId: string; appUrl: string }) {
  const [row] = await opts.db
    .select({
      post: posts,
      deliveries: sql<Record<string, number> | string>`coalesce((
        select json_object_agg(d.status, d.count) from (
          select status, count(*)::int as count from newsletter_deliveries
          where post_id = posts.id and workspace_id = posts.workspace_id group by status) d
      ), '{}'::json)`,
    })
    .from(posts)
    .where(and(eq(posts.id, opts.postId), eq(posts.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Post");
  const deliveries = typeof row.deliveries === "string" ? JSON.parse(row.deliveries) : row.deliveries;
  return {
    ...presentPost(row.post),
    publicUrl: row.post.status === "published" ? postUrls(opts.appUrl).page(opts.workspaceId, row.post.id) : null,
    deliveries: {
      queued: Number(deliveries.queued ?? 0),
      sent: Number(deliveries.sent ?? 0),
      failed: Number(deliveries.failed ?? 0),
      bounced: Number(deliveries.bounced ?? 0),
      unsubscribed: Number(deliveries.unsubscribed ?? 0),
    },
  };
}

/** Drafts sort by creation, scheduled posts by their time, published ones by when they went out. */
const sortAt = sql<Date>`date_trunc('milliseconds', coalesce(${posts.publishedAt}, ${posts.publishAt}, ${posts.createdAt}))`;

/** The creator's list, newest first, optionally one status, keyset-paginated. */
export async function listPosts(opts: {
  db: DbOrTx;
  workspaceId: string;
  status?: PostStatus | null;
  limit: number;
  cursor?: string | null;
}) {
  const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await opts.db
    .select({
      id: posts.id,
      title: posts.title,
      status: posts.status,
      visibility: posts.visibility,
      publishAt: posts.publishAt,
      publishedAt: posts.publishedAt,
      publishError: posts.publishError,
      newsletterState: posts.newsletterState,
      createdAt: posts.createdAt,
      updatedAt: posts.updatedAt,
      sortAt: sortAt.mapWith((value: string | Date) => new Date(value)),
    })
    .from(posts)
    .where(
      and(
        eq(posts.workspaceId, opts.workspaceId),
        opts.status ? eq(posts.status, opts.status) : undefined,
        cursor
          ? sql`(${sortAt}, ${posts.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(sortAt), desc(posts.id))
    .limit(opts.limit + 1);
  const page = pageOf(rows, opts.limit, (row) => row.sortAt);
  return { items: page.items.map(({ sortAt: _sortAt, ...item }) => item), nextCursor: page.nextCursor };
}

/**
 * The publish cron: every scheduled post whose time has come goes live, claimed by one UPDATE so a late or
 * repeated run publishes nothing twice. A post whose media or episodes are no longer this workspace's, or not
 * ready, goes back to draft with the reason shown on it, instead of going out with holes. Returns the ids that
 * went live and those whose newsletter should start.
 */
export async function publishDuePosts(opts: { db: DbOrTx; now: Date }) {
  return opts.db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: posts.id,
        workspaceId: posts.workspaceId,
        newsletterState: posts.newsletterState,
        missingMedia: sql<number>`(
          select count(*)::int from unnest(posts.media_ids) as ref(id)
          where not exists (select 1 from media_objects m
            where m.id = ref.id and m.workspace_id = posts.workspace_id and m.status = 'ready'))`,
      })
      .from(posts)
      .where(and(eq(posts.status, "scheduled"), lte(posts.publishAt, opts.now)))
      .orderBy(posts.publishAt)
      .limit(200)
      .for("update", { skipLocked: true });
    const broken = due.filter((post) => Number(post.missingMedia) > 0).map((post) => post.id);
    const ready = due.filter((post) => Number(post.missingMedia) === 0).map((post) => post.id);
    if (broken.length)
      await tx
        .update(posts)
        .set({
          status: "draft",
          publishAt: null,
          publishError:
            "Not published at its scheduled time: an image or audio file in it was deleted or is not ready. Replace it and schedule the post again.",
          updatedAt: opts.now,
        })
        .where(and(inArray(posts.id, broken), eq(posts.status, "scheduled")));
    if (ready.length === 0) return { published: [] as string[], newsletters: [] as string[], failed: broken };
    const published = await tx
      .update(posts)
      .set({
        status: "published",
        publishedAt: sql`${posts.publishAt}`,
        publishAt: null,
        publishError: null,
        newsletterState: sql`case when ${posts.newsletterState} = 'pending' then 'sending' else ${posts.newsletterState} end`,
        newsletterRequestedAt: sql`case when ${posts.newsletterState} = 'pending' then ${opts.now.toISOString()}::timestamptz else ${posts.newsletterRequestedAt} end`,
        updatedAt: opts.now,
      })
      .where(and(inArray(posts.id, ready), eq(posts.status, "scheduled")))
      .returning({ id: posts.id });
    const waiting = new Set(due.filter((post) => post.newsletterState === "pending").map((post) => post.id));
    return {
      published: published.map((post) => post.id),
      newsletters: published.map((post) => post.id).filter((id) => waiting.has(id)),
      failed: broken,
    };
  });
}

/** The media file of a post, if the post lists it (the media route checks the gate first). */
export async function mediaOfPost(db: DbOrTx, postId: string, mediaId: string) {
  const [row] = await db
    .select({ r2Key: mediaObjects.r2Key, contentType: mediaObjects.contentType, size: mediaObjects.size })
    .from(posts)
    .innerJoin(
      mediaObjects,
      and(
        eq(mediaObjects.id, mediaId),
        eq(mediaObjects.workspaceId, posts.workspaceId),
        eq(mediaObjects.status, "ready"),
        sql`${mediaObjects.id} = any(${posts.mediaIds})`,
      ),
    )
    .where(eq(posts.id, postId))
    .limit(1);
  return row ?? null;
}
