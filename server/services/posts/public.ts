import { and, desc, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { mediaObjects, posts, workspaces } from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { decideAccess, gatedOf, type GateDecision } from "../audience/gate";
import { splitHeadline } from "../search/search";
import { postUrls } from "./urls";
import { toViewer, viewerQuery } from "../audience/viewer";

/**
 * What readers see (ADR 026). Every read asks the one gate (ADR 022) with the viewer loaded in the same round trip
 * as the post (ADR 016), and a post's body leaves this file only when the gate allowed it: the page, its `_data`,
 * its Open Graph tags, tRPC, search snippets and newsletters all read through here or the same decision.
 */

const isPublished = eq(posts.status, "published");

/** Who is asking: the session's user, or null for an anonymous visitor. */
export type ReaderAuth = { user: { id: string } } | null;

/**
 * Runs the page's read and, for a signed-in reader, audience/viewer.ts's viewer statement (team membership,
 * supporter row and grants) in the same round trip (ADR 016). An anonymous reader costs no second statement.
 */
async function withViewer<Q extends BatchItem<"pg">>(db: DbOrTx, workspaceId: string, auth: ReaderAuth, read: Q) {
  if (!auth) {
    const [rows] = await readBatch(db, [read]);
    return { rows: rows as Awaited<Q>, viewer: toViewer({ rows: [], auth }) };
  }
  const [rows, viewerRows] = await readBatch(db, [read, viewerQuery({ db, workspaceId, userId: auth.user.id })]);
  return { rows: rows as Awaited<Q>, viewer: toViewer({ rows: viewerRows, auth }) };
}

export type PaywallReason = Exclude<GateDecision, { allowed: true }>["reason"];

/** One published post as this viewer may see it: the body only when the gate allows it. */
export async function getPublicPost(opts: {
  db: DbOrTx;
  workspaceId: string;
  postId: string;
  auth: ReaderAuth;
  now: Date;
  appUrl: string;
}) {
  const read = opts.db
    .select({
      id: posts.id,
      title: posts.title,
      excerpt: posts.excerpt,
      bodyHtml: posts.bodyHtml,
      visibility: posts.visibility,
      visibilityTierIds: posts.visibilityTierIds,
      visibilityEventId: posts.visibilityEventId,
      publishedAt: posts.publishedAt,
      workspaceName: workspaces.name,
      // "For ticket holders of <event>" (ADR 034), read in the same statement.
      eventTitle: sql<
        string | null
      >`(select e.title from events e where e.id = ${posts.visibilityEventId} and e.workspace_id = ${posts.workspaceId})`,
    })
    .from(posts)
    .innerJoin(workspaces, eq(workspaces.id, posts.workspaceId))
    .where(and(eq(posts.id, opts.postId), eq(posts.workspaceId, opts.workspaceId), isPublished))
    .limit(1);
  const { rows, viewer } = await withViewer(opts.db, opts.workspaceId, opts.auth, read);
  const [post] = rows;
  if (!post) throw notFound("Post");
  const decision = decideAccess(gatedOf(post), viewer, opts.now);
  const urls = postUrls(opts.appUrl);
  return {
    workspace: { id: opts.workspaceId, name: post.workspaceName, homeUrl: urls.home(opts.workspaceId) },
    post: {
      id: post.id,
      title: post.title,
      excerpt: post.excerpt,
      visibility: post.visibility,
      publishedAt: post.publishedAt,
      pageUrl: urls.page(opts.workspaceId, post.id),
      bodyHtml: decision.allowed ? post.bodyHtml : null,
      /** visibility = ticket_holders: the event whose holders may read it; its page is the call to action. */
      event:
        post.visibilityEventId && post.eventTitle
          ? {
              id: post.visibilityEventId,
              title: post.eventTitle,
              pageUrl: `${urls.home(opts.workspaceId)}/events/${post.visibilityEventId}`,
            }
          : null,
    },
    access: decision.allowed
      ? { allowed: true as const, reason: decision.reason }
      : {
          allowed: false as const,
          reason: decision.reason,
          joinUrl: urls.join(opts.workspaceId),
          signInUrl: urls.signIn(opts.workspaceId),
          accountUrl: urls.account(opts.workspaceId),
        },
  };
}

/** The latest published posts of a creator (the home page's section): titles and teasers, never bodies. */
export async function listPublicPosts(opts: { db: DbOrTx; workspaceId: string; limit: number; appUrl: string }) {
  const rows = await opts.db
    .select({
      id: posts.id,
      title: posts.title,
      excerpt: posts.excerpt,
      visibility: posts.visibility,
      publishedAt: posts.publishedAt,
    })
    .from(posts)
    .where(and(eq(posts.workspaceId, opts.workspaceId), isPublished))
    .orderBy(desc(posts.publishedAt), desc(posts.id))
    .limit(opts.limit);
  const urls = postUrls(opts.appUrl);
  return rows.map((row) => ({ ...row, pageUrl: urls.page(opts.workspaceId, row.id) }));
}

/** The same private-use markers as the team search, so its splitter reads these snippets. */
const START = "\uE000";
const STOP = "\uE001";
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=10, ShortWord=2`;

/**
 * Searches a creator's published posts for readers. A post the viewer may not read is found only by its title and
 * teaser, and its snippet comes from them: the body neither matches nor shows (a match alone would tell that the
 * paid text contains the word).
 */
export async function searchPublicPosts(opts: {
  db: DbOrTx;
  workspaceId: string;
  query: string;
  auth: ReaderAuth;
  now: Date;
  limit: number;
  appUrl: string;
}) {
  const q = sql`websearch_to_tsquery('simple', ${opts.query})`;
  const teaserText = sql`translate(coalesce(${posts.title}, '') || ' — ' || coalesce(${posts.excerpt}, ''), ${START + STOP}, '')`;
  const bodyText = sql`translate(regexp_replace(${posts.bodyHtml}, '<[^>]*>', ' ', 'g'), ${START + STOP}, '')`;
  const read = opts.db
    .select({
      id: posts.id,
      title: posts.title,
      excerpt: posts.excerpt,
      visibility: posts.visibility,
      visibilityTierIds: posts.visibilityTierIds,
      visibilityEventId: posts.visibilityEventId,
      publishedAt: posts.publishedAt,
      teaserMatches: sql<boolean>`to_tsvector('simple', ${teaserText}) @@ ${q}`,
      teaserSnippet: sql<string>`ts_headline('simple', ${teaserText}, ${q}, ${HEADLINE})`,
      bodySnippet: sql<string>`ts_headline('simple', ${bodyText}, ${q}, ${HEADLINE})`,
      rank: sql<number>`ts_rank(${posts.search}, ${q})`,
    })
    .from(posts)
    .where(and(eq(posts.workspaceId, opts.workspaceId), isPublished, sql`${posts.search} @@ ${q}`))
    .orderBy(sql`ts_rank(${posts.search}, ${q}) desc`, desc(posts.publishedAt))
    .limit(opts.limit * 3);
  const { rows, viewer } = await withViewer(opts.db, opts.workspaceId, opts.auth, read);
  const urls = postUrls(opts.appUrl);
  const hits = [];
  for (const row of rows) {
    const allowed = decideAccess(gatedOf(row), viewer, opts.now).allowed;
    if (!allowed && !row.teaserMatches) continue;
    hits.push({
      id: row.id,
      title: row.title,
      visibility: row.visibility,
      publishedAt: row.publishedAt,
      pageUrl: urls.page(opts.workspaceId, row.id),
      locked: !allowed,
      snippet: splitHeadline(allowed ? row.bodySnippet : row.teaserSnippet),
    });
    if (hits.length === opts.limit) break;
  }
  return { items: hits };
}

/**
 * A media file of a post for a reader: only a file the post lists (`media_ids`, checked against the workspace when
 * saved), of a published post the gate lets them read (drafts: the team only). Anything else is NOT_FOUND, so a
 * gated post's images and audio are as closed as its text. `shareable` says whether every visitor may get it.
 */
export async function getPostMediaForReader(opts: {
  db: DbOrTx;
  postId: string;
  mediaId: string;
  auth: ReaderAuth;
  now: Date;
}) {
  const [row] = await opts.db
    .select({
      workspaceId: posts.workspaceId,
      status: posts.status,
      visibility: posts.visibility,
      visibilityTierIds: posts.visibilityTierIds,
      visibilityEventId: posts.visibilityEventId,
      r2Key: mediaObjects.r2Key,
      contentType: mediaObjects.contentType,
      size: mediaObjects.size,
    })
    .from(posts)
    .innerJoin(
      mediaObjects,
      and(
        eq(mediaObjects.id, opts.mediaId),
        eq(mediaObjects.workspaceId, posts.workspaceId),
        eq(mediaObjects.status, "ready"),
        sql`${mediaObjects.id} = any(${posts.mediaIds})`,
      ),
    )
    .where(eq(posts.id, opts.postId))
    .limit(1);
  if (!row || row.size === null) throw notFound("Media file");
  const viewer = opts.auth
    ? toViewer({
        rows: await viewerQuery({ db: opts.db, workspaceId: row.workspaceId, userId: opts.auth.user.id }),
        auth: opts.auth,
      })
    : toViewer({ rows: [], auth: null });
  if (row.status !== "published" && viewer.kind !== "team") throw notFound("Media file");
  const decision = decideAccess(gatedOf(row), viewer, opts.now);
  if (!decision.allowed) throw notFound("Media file");
  return {
    object: { r2Key: row.r2Key, contentType: row.contentType, size: row.size },
    shareable: row.status === "published" && row.visibility === "public",
  };
}
