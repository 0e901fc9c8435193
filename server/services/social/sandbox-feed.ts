import { and, asc, desc, eq, inArray, lt, or } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { mediaObjects, sandboxMedia, socialAccounts, socialPosts } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import type { SandboxBehaviour } from "./sandbox";

export interface SandboxFeedItem {
  id: string;
  accountId: string;
  username: string;
  mediaType: string;
  caption: string | null;
  publishedAt: Date;
  likeCount: number;
  commentsCount: number;
  /** The library files, in order; kind decides whether the page shows an image or a video. */
  media: { id: string; kind: "image" | "video" | "audio" }[];
  /** The scheduled post that produced it, when it is still recorded. */
  postId: string | null;
}

/** The workspace's sandbox accounts with their pending injected failures, for the feed page's test controls. */
export async function listSandboxAccounts(opts: { db: DbOrTx; workspaceId: string }) {
  const rows = await opts.db
    .select({
      id: socialAccounts.id,
      username: socialAccounts.username,
      status: socialAccounts.status,
      behaviour: socialAccounts.sandboxBehaviour,
    })
    .from(socialAccounts)
    .where(and(eq(socialAccounts.workspaceId, opts.workspaceId), eq(socialAccounts.provider, "sandbox")))
    .orderBy(asc(socialAccounts.username), asc(socialAccounts.id));
  return rows.map((row) => ({ ...row, behaviour: (row.behaviour ?? {}) as SandboxBehaviour }));
}

/** Published sandbox media of the workspace, newest first; `cursor` is the last item's id from the previous page. */
export async function listSandboxFeed(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId?: string;
  cursor?: string;
  limit: number;
}) {
  if (opts.accountId) {
    // Another workspace's account is not found, like one that does not exist (not an empty feed).
    const [owned] = await opts.db
      .select({ id: socialAccounts.id })
      .from(socialAccounts)
      .where(
        and(
          eq(socialAccounts.id, opts.accountId),
          eq(socialAccounts.workspaceId, opts.workspaceId),
          eq(socialAccounts.provider, "sandbox"),
        ),
      );
    if (!owned) throw notFound("Sandbox account");
  }
  const scope = and(
    eq(socialAccounts.workspaceId, opts.workspaceId),
    opts.accountId ? eq(sandboxMedia.accountId, opts.accountId) : undefined,
  );
  let after: { publishedAt: Date; id: string } | undefined;
  if (opts.cursor) {
    [after] = await opts.db
      .select({ publishedAt: sandboxMedia.publishedAt, id: sandboxMedia.id })
      .from(sandboxMedia)
      .innerJoin(socialAccounts, eq(socialAccounts.id, sandboxMedia.accountId))
      .where(and(scope, eq(sandboxMedia.id, opts.cursor)));
    if (!after) throw new AppError("BAD_REQUEST", "That page of the feed no longer exists; start from the top.");
  }
  const rows = await opts.db
    .select({ media: sandboxMedia, username: socialAccounts.username })
    .from(sandboxMedia)
    .innerJoin(socialAccounts, eq(socialAccounts.id, sandboxMedia.accountId))
    .where(
      and(
        scope,
        after
          ? or(
              lt(sandboxMedia.publishedAt, after.publishedAt),
              and(eq(sandboxMedia.publishedAt, after.publishedAt), lt(sandboxMedia.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(sandboxMedia.publishedAt), desc(sandboxMedia.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);

  const libraryIds = [...new Set(page.flatMap((row) => row.media.mediaIds))];
  const kinds = libraryIds.length
    ? await opts.db
        .select({ id: mediaObjects.id, kind: mediaObjects.kind })
        .from(mediaObjects)
        .where(and(eq(mediaObjects.workspaceId, opts.workspaceId), inArray(mediaObjects.id, libraryIds)))
    : [];
  const kindById = new Map(kinds.map((row) => [row.id, row.kind]));
  const remoteIds = page.map((row) => row.media.id);
  const posts = remoteIds.length
    ? await opts.db
        .select({ id: socialPosts.id, remoteMediaId: socialPosts.remoteMediaId })
        .from(socialPosts)
        .where(and(eq(socialPosts.workspaceId, opts.workspaceId), inArray(socialPosts.remoteMediaId, remoteIds)))
    : [];
  const postByRemote = new Map(posts.map((row) => [row.remoteMediaId, row.id]));

  const items: SandboxFeedItem[] = page.map(({ media, username }) => ({
    id: media.id,
    accountId: media.accountId,
    username,
    mediaType: media.mediaType,
    caption: media.caption,
    publishedAt: media.publishedAt,
    likeCount: media.likeCount,
    commentsCount: media.commentsCount,
    // Files deleted from the library since are left out rather than shown broken.
    media: media.mediaIds.flatMap((id) => {
      const kind = kindById.get(id);
      return kind ? [{ id, kind }] : [];
    }),
    postId: postByRemote.get(media.id) ?? null,
  }));
  return { items, nextCursor: rows.length > opts.limit ? (page.at(-1)?.media.id ?? null) : null };
}

/** Replaces a sandbox account's injected failures (null failNext clears them). Instagram accounts are not found here. */
export async function setSandboxBehaviour(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId: string;
  behaviour: SandboxBehaviour;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  const behaviour = Object.fromEntries(
    Object.entries(opts.behaviour).filter(([, value]) => value !== undefined && value !== null && value !== ""),
  ) as SandboxBehaviour;
  if (!behaviour.failNext) {
    delete behaviour.times;
    delete behaviour.message;
  }
  return opts.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(socialAccounts)
      .set({ sandboxBehaviour: Object.keys(behaviour).length ? (behaviour as Record<string, unknown>) : null })
      .where(
        and(
          eq(socialAccounts.id, opts.accountId),
          eq(socialAccounts.workspaceId, opts.workspaceId),
          eq(socialAccounts.provider, "sandbox"),
        ),
      )
      .returning({ id: socialAccounts.id });
    if (!updated) throw notFound("Sandbox account");
    await recordAudit({
      db: tx,
      action: "social.sandbox_behaviour_set",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { accountId: opts.accountId, behaviour: JSON.stringify(behaviour) },
      meta: opts.meta,
      now: opts.now,
    });
    return { behaviour };
  });
}
