import { and, asc, desc, eq, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
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

const sandboxAccountsQuery = (opts: { db: DbOrTx; workspaceId: string }) =>
  opts.db
    .select({
      id: socialAccounts.id,
      username: socialAccounts.username,
      status: socialAccounts.status,
      behaviour: socialAccounts.sandboxBehaviour,
    })
    .from(socialAccounts)
    .where(and(eq(socialAccounts.workspaceId, opts.workspaceId), eq(socialAccounts.provider, "sandbox")))
    .orderBy(asc(socialAccounts.username), asc(socialAccounts.id));

const presentSandboxAccounts = (rows: Awaited<ReturnType<typeof sandboxAccountsQuery>>) =>
  rows.map((row) => ({ ...row, behaviour: (row.behaviour ?? {}) as SandboxBehaviour }));

/** A jsonb value as the driver hands it over: parsed already, or as text. */
const fromJson = <T>(value: unknown) => (typeof value === "string" ? JSON.parse(value) : value) as T;

/**
 * The sandbox accounts and a page of the feed (published sandbox media of the workspace, newest first; `cursor`
 * is the last item's id from the previous page), in one round trip (ADR 016): the account and cursor checks go in
 * the same batch as the page, which is keyed by the same ids, and each item's library files and post are read
 * by subqueries of the page's statement.
 */
export async function listSandboxAccountsAndFeed(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId?: string;
  cursor?: string;
  limit: number;
}) {
  const scope = and(
    eq(socialAccounts.workspaceId, opts.workspaceId),
    opts.accountId ? eq(sandboxMedia.accountId, opts.accountId) : undefined,
  );
  // Another workspace's account is not found, like one that does not exist (not an empty feed). Without an
  // account or a cursor the check reads nothing (`false`), so the batch keeps one shape.
  const owned = opts.db
    .select({ id: socialAccounts.id })
    .from(socialAccounts)
    .where(
      opts.accountId
        ? and(
            eq(socialAccounts.id, opts.accountId),
            eq(socialAccounts.workspaceId, opts.workspaceId),
            eq(socialAccounts.provider, "sandbox"),
          )
        : sql`false`,
    );
  const after = opts.db
    .select({ id: sandboxMedia.id })
    .from(sandboxMedia)
    .innerJoin(socialAccounts, eq(socialAccounts.id, sandboxMedia.accountId))
    .where(opts.cursor ? and(scope, eq(sandboxMedia.id, opts.cursor)) : sql`false`);
  const page = opts.db
    .select({
      media: sandboxMedia,
      username: socialAccounts.username,
      // [id, kind] of the item's files still in the library.
      files:
        sql<unknown>`(select coalesce(jsonb_agg(jsonb_build_array(m.id, m.kind)), '[]'::jsonb) from ${mediaObjects} m
        where m.workspace_id = ${opts.workspaceId} and m.id::text in (select jsonb_array_elements_text(${sandboxMedia.mediaIds})))`.mapWith(
          (value) => fromJson<[string, SandboxFeedItem["media"][number]["kind"]][]>(value),
        ),
      postId: sql<string | null>`(select p.id from ${socialPosts} p
        where p.workspace_id = ${opts.workspaceId} and p.remote_media_id = ${sandboxMedia.id} limit 1)`,
    })
    .from(sandboxMedia)
    .innerJoin(socialAccounts, eq(socialAccounts.id, sandboxMedia.accountId))
    .where(
      and(
        scope,
        opts.cursor
          ? sql`(${sandboxMedia.publishedAt}, ${sandboxMedia.id}) < (select c.published_at, c.id from ${sandboxMedia} c where c.id = ${opts.cursor})`
          : undefined,
      ),
    )
    .orderBy(desc(sandboxMedia.publishedAt), desc(sandboxMedia.id))
    .limit(opts.limit + 1);
  const [accounts, [ownedRow], [afterRow], rows] = await readBatch(opts.db, [
    sandboxAccountsQuery(opts),
    owned,
    after,
    page,
  ]);
  if (opts.accountId && !ownedRow) throw notFound("Sandbox account");
  if (opts.cursor && !afterRow)
    throw new AppError("BAD_REQUEST", "That page of the feed no longer exists; start from the top.");

  const items: SandboxFeedItem[] = rows.slice(0, opts.limit).map(({ media, username, files, postId }) => {
    const kindById = new Map(files);
    return {
      id: media.id,
      accountId: media.accountId,
      username,
      mediaType: media.mediaType,
      caption: media.caption,
      publishedAt: media.publishedAt,
      likeCount: media.likeCount,
      commentsCount: media.commentsCount,
      // In the post's order; files deleted from the library since are left out rather than shown broken.
      media: media.mediaIds.flatMap((id) => {
        const kind = kindById.get(id);
        return kind ? [{ id, kind }] : [];
      }),
      postId,
    };
  });
  return {
    accounts: presentSandboxAccounts(accounts),
    items,
    nextCursor: rows.length > opts.limit ? (items.at(-1)?.id ?? null) : null,
  };
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
