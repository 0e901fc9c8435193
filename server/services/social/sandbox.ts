import { createHash, randomUUID } from "node:crypto";
import { and, count, desc, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { sandboxContainers, sandboxMedia, socialAccounts } from "../../../db/schema";
import type { Clock } from "../../lib/clock";
import {
  SocialProviderError,
  type ContainerStatus,
  type ItemContainerRequest,
  type RemoteMedia,
  type SocialPublisher,
} from "./provider";

/**
 * The Sandbox: a stand-in for Instagram kept in our own tables, so the whole publishing pipeline (containers,
 * status polling, publish, reconciliation, quota, sync) can be exercised without a real account. Its semantics
 * follow Instagram's where the pipeline depends on them:
 * - a container is IN_PROGRESS until `ready_at` (a few seconds after creation), then FINISHED (or ERROR when a
 *   failure was injected), and EXPIRED 24 h after creation if never published;
 * - a container publishes at most once: publishing it again fails with a permanent error, as Instagram does,
 *   so a second copy is impossible and a lost publish response must be reconciled, not retried blindly;
 * - 100 posts per rolling 24 h (content_publishing_limit).
 * Library files are referenced by `greenroom-media:<media id>` URLs; the feed shows them through the app.
 */

const SANDBOX_PROCESSING_SECONDS = 3;
const SANDBOX_PUBLISHING_LIMIT = 100;
const CONTAINER_LIFETIME_MS = 24 * 60 * 60 * 1000;
const SANDBOX_MEDIA_URL_PREFIX = "greenroom-media:";

export const SANDBOX_FAILURES = [
  "transient",
  "permanent",
  "container_error",
  "rate_limited",
  "timeout_after_publish",
] as const;
export type SandboxFailure = (typeof SANDBOX_FAILURES)[number];

/**
 * `social_accounts.sandbox_behaviour`: `failNext` fires on the next call it applies to (container creation
 * for container_error, publish for timeout_after_publish, either for the others), `times` times (default 1),
 * consumed atomically as it fires. `processingSeconds` and `publishingLimit` override the defaults.
 */
export interface SandboxBehaviour {
  failNext?: SandboxFailure;
  times?: number;
  message?: string;
  processingSeconds?: number;
  publishingLimit?: number;
}

export const sandboxMediaUrl = (mediaId: string) => `${SANDBOX_MEDIA_URL_PREFIX}${mediaId}`;

const DEFAULT_MESSAGES: Record<SandboxFailure, string> = {
  transient: "Sandbox: the service is temporarily unavailable.",
  permanent: "Sandbox: the media could not be published.",
  container_error: "Sandbox: the media could not be processed.",
  rate_limited: "Sandbox: too many requests; try again later.",
  timeout_after_publish: "Sandbox: the publish request timed out.",
};

const RATE_LIMIT_RETRY_SECONDS = 600;

type SandboxAccount = Pick<
  typeof socialAccounts.$inferSelect,
  "id" | "workspaceId" | "externalId" | "username" | "displayName" | "sandboxBehaviour"
>;

export function createSandboxPublisher(opts: {
  db: DbOrTx;
  account: SandboxAccount;
  now: Date | Clock;
}): SocialPublisher {
  const { db, account } = opts;
  const clock = typeof opts.now === "function" ? opts.now : () => opts.now as Date;
  const behaviour = () => (account.sandboxBehaviour ?? {}) as SandboxBehaviour;

  /** Takes one firing of an injected failure among `kinds`, in one statement so concurrent calls cannot both take the last. */
  async function takeFailure(
    kinds: readonly SandboxFailure[],
  ): Promise<{ kind: SandboxFailure; message: string } | null> {
    const result = await db.execute(sql`
      with current as (
        select id, sandbox_behaviour as b from social_accounts
        where id = ${account.id} and sandbox_behaviour->>'failNext' in (${sql.join(
          kinds.map((k) => sql`${k}`),
          sql`, `,
        )})
        for update
      )
      update social_accounts a set sandbox_behaviour =
        case when coalesce((current.b->>'times')::int, 1) > 1
          then jsonb_set(current.b, '{times}', to_jsonb((current.b->>'times')::int - 1))
          else current.b - 'failNext' - 'times' - 'message' end
      from current where a.id = current.id
      returning current.b->>'failNext' as kind, current.b->>'message' as message`);
    const [row] = (result as unknown as { rows: { kind: SandboxFailure; message: string | null }[] }).rows;
    return row ? { kind: row.kind, message: row.message || DEFAULT_MESSAGES[row.kind] } : null;
  }

  function throwFor(failure: { kind: SandboxFailure; message: string }): never {
    switch (failure.kind) {
      case "permanent":
        throw new SocialProviderError("permanent", failure.message, { httpStatus: 400 });
      case "rate_limited":
        throw new SocialProviderError("rate_limited", failure.message, {
          httpStatus: 429,
          retryAfterSeconds: RATE_LIMIT_RETRY_SECONDS,
        });
      default:
        throw new SocialProviderError("transient", failure.message, { httpStatus: 503 });
    }
  }

  async function createContainer(values: {
    mediaType: string;
    caption: string | null;
    sources: string[];
    readyAt?: Date;
    errorMessage?: string | null;
  }) {
    const failure = await takeFailure(["transient", "permanent", "rate_limited", "container_error"]);
    if (failure && failure.kind !== "container_error") throwFor(failure);
    const now = clock();
    const id = `sbc_${randomUUID().replaceAll("-", "")}`;
    const processing = behaviour().processingSeconds ?? SANDBOX_PROCESSING_SECONDS;
    const readyAt = new Date(Math.max(now.getTime() + processing * 1000, values.readyAt?.getTime() ?? 0));
    await db.insert(sandboxContainers).values({
      id,
      accountId: account.id,
      mediaType: values.mediaType,
      caption: values.caption,
      sources: values.sources,
      status: "IN_PROGRESS",
      errorMessage: failure ? failure.message : (values.errorMessage ?? null),
      readyAt,
      createdAt: now,
    });
    return { id };
  }

  async function loadContainer(containerId: string) {
    const [container] = await db
      .select()
      .from(sandboxContainers)
      .where(and(eq(sandboxContainers.id, containerId), eq(sandboxContainers.accountId, account.id)));
    if (!container)
      throw new SocialProviderError("permanent", `Sandbox: container ${containerId} does not exist.`, {
        httpStatus: 400,
      });
    return container;
  }

  function effectiveStatus(container: typeof sandboxContainers.$inferSelect): ContainerStatus {
    if (container.publishedMediaId) return "PUBLISHED";
    const now = clock().getTime();
    if (container.status !== "IN_PROGRESS") return container.status as ContainerStatus;
    if (container.readyAt.getTime() > now) return "IN_PROGRESS";
    if (container.errorMessage) return "ERROR";
    return container.createdAt.getTime() + CONTAINER_LIFETIME_MS <= now ? "EXPIRED" : "FINISHED";
  }

  const toRemote = (media: typeof sandboxMedia.$inferSelect): RemoteMedia => ({
    id: media.id,
    mediaType: media.mediaType,
    mediaProductType: media.mediaType === "VIDEO" ? "REELS" : "FEED",
    caption: media.caption,
    permalink: `/w/${account.workspaceId}/social/sandbox#${media.id}`,
    mediaUrl: null,
    thumbnailUrl: null,
    timestamp: media.publishedAt,
    likeCount: media.likeCount,
    commentsCount: media.commentsCount,
  });

  return {
    async getProfile() {
      const [{ n }] = await db.select({ n: count() }).from(sandboxMedia).where(eq(sandboxMedia.accountId, account.id));
      return {
        externalId: account.externalId,
        username: account.username,
        displayName: account.displayName,
        profilePictureUrl: null,
        followersCount: 0,
        followsCount: 0,
        mediaCount: n,
      };
    },

    async createItemContainer(request: ItemContainerRequest) {
      const mediaType = request.isCarouselItem
        ? request.kind.toUpperCase()
        : request.kind === "video"
          ? "VIDEO"
          : "IMAGE";
      return createContainer({ mediaType, caption: request.caption ?? null, sources: [request.url] });
    },

    async createCarouselContainer(request) {
      const children = request.children.length
        ? await db
            .select()
            .from(sandboxContainers)
            .where(and(inArray(sandboxContainers.id, request.children), eq(sandboxContainers.accountId, account.id)))
        : [];
      if (children.length !== request.children.length || children.length < 2) {
        throw new SocialProviderError("permanent", "Sandbox: a carousel needs 2 to 10 existing item containers.", {
          httpStatus: 400,
        });
      }
      const failedChild = children.find((child) => child.errorMessage);
      return createContainer({
        mediaType: "CAROUSEL_ALBUM",
        caption: request.caption,
        sources: request.children,
        readyAt: new Date(Math.max(...children.map((child) => child.readyAt.getTime()))),
        errorMessage: failedChild ? `Carousel item failed: ${failedChild.errorMessage}` : null,
      });
    },

    async getContainerStatus(containerId) {
      const container = await loadContainer(containerId);
      const status = effectiveStatus(container);
      return {
        status,
        message:
          status === "ERROR" ? container.errorMessage : status === "EXPIRED" ? "Sandbox: the container expired." : null,
      };
    },

    async publishContainer(containerId) {
      const failure = await takeFailure(["transient", "permanent", "rate_limited", "timeout_after_publish"]);
      if (failure && failure.kind !== "timeout_after_publish") throwFor(failure);
      const container = await loadContainer(containerId);
      const status = effectiveStatus(container);
      if (status === "PUBLISHED")
        throw new SocialProviderError("permanent", "Sandbox: this container has already been published.", {
          httpStatus: 400,
        });
      if (status === "IN_PROGRESS")
        throw new SocialProviderError("transient", "Sandbox: the media is not ready to be published yet.", {
          httpStatus: 400,
        });
      if (status !== "FINISHED")
        throw new SocialProviderError("permanent", container.errorMessage ?? `Sandbox: the container is ${status}.`, {
          httpStatus: 400,
        });

      const now = clock();
      const id = `sbm_${randomUUID().replaceAll("-", "")}`;
      const mediaIds = await libraryMediaIds(db, account.id, container);
      // The unique container_id is what makes a concurrent second publish of the same container produce nothing.
      const inserted = await db
        .insert(sandboxMedia)
        .values({
          id,
          accountId: account.id,
          containerId,
          mediaType: container.mediaType,
          caption: container.caption,
          mediaIds,
          ...sandboxInsights(id, container.caption),
          publishedAt: now,
        })
        .onConflictDoNothing({ target: sandboxMedia.containerId })
        .returning({ id: sandboxMedia.id });
      if (inserted.length === 0)
        throw new SocialProviderError("permanent", "Sandbox: this container has already been published.", {
          httpStatus: 400,
        });
      await db
        .update(sandboxContainers)
        .set({ status: "PUBLISHED", publishedMediaId: id })
        .where(eq(sandboxContainers.id, containerId));
      if (failure) throw new SocialProviderError("unknown_outcome", failure.message);
      return { mediaId: id };
    },

    async getMedia(mediaId) {
      const [media] = await db
        .select()
        .from(sandboxMedia)
        .where(and(eq(sandboxMedia.id, mediaId), eq(sandboxMedia.accountId, account.id)));
      if (!media)
        throw new SocialProviderError("permanent", `Sandbox: media ${mediaId} does not exist.`, { httpStatus: 400 });
      return toRemote(media);
    },

    async listMedia({ after, limit }) {
      const cursor = after ? decodeCursor(after) : null;
      const rows = await db
        .select()
        .from(sandboxMedia)
        .where(
          and(
            eq(sandboxMedia.accountId, account.id),
            cursor
              ? or(
                  lt(sandboxMedia.publishedAt, cursor.publishedAt),
                  and(eq(sandboxMedia.publishedAt, cursor.publishedAt), lt(sandboxMedia.id, cursor.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(sandboxMedia.publishedAt), desc(sandboxMedia.id))
        .limit(limit + 1);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items: items.map(toRemote), after: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async getInsights(media) {
      const [row] = await db
        .select()
        .from(sandboxMedia)
        .where(and(eq(sandboxMedia.id, media.id), eq(sandboxMedia.accountId, account.id)));
      if (!row)
        throw new SocialProviderError("permanent", `Sandbox: media ${media.id} does not exist.`, { httpStatus: 400 });
      return {
        reach: row.reach,
        impressions: row.impressions,
        saved: row.saved,
        likes: row.likeCount,
        comments: row.commentsCount,
      };
    },

    async getPublishingLimit() {
      const since = new Date(clock().getTime() - 24 * 60 * 60 * 1000);
      const [{ n }] = await db
        .select({ n: count() })
        .from(sandboxMedia)
        .where(and(eq(sandboxMedia.accountId, account.id), gt(sandboxMedia.publishedAt, since)));
      return { quotaUsage: n, quotaTotal: behaviour().publishingLimit ?? SANDBOX_PUBLISHING_LIMIT };
    },
  };
}

/** The library media ids behind a container: its own URL, or its children's for a carousel. */
async function libraryMediaIds(
  db: DbOrTx,
  accountId: string,
  container: typeof sandboxContainers.$inferSelect,
): Promise<string[]> {
  let sources = container.sources;
  if (container.mediaType === "CAROUSEL_ALBUM") {
    const children = await db
      .select({ id: sandboxContainers.id, sources: sandboxContainers.sources })
      .from(sandboxContainers)
      .where(and(inArray(sandboxContainers.id, container.sources), eq(sandboxContainers.accountId, accountId)));
    const byId = new Map(children.map((child) => [child.id, child.sources]));
    sources = container.sources.flatMap((id) => byId.get(id) ?? []);
  }
  return sources.map((source) =>
    source.startsWith(SANDBOX_MEDIA_URL_PREFIX) ? source.slice(SANDBOX_MEDIA_URL_PREFIX.length) : source,
  );
}

/** Stable pseudo-engagement from the media id, so syncing the same sandbox media always yields the same numbers. */
function sandboxInsights(mediaId: string, caption: string | null) {
  const digest = createHash("sha256").update(mediaId).digest();
  const reach = 200 + (digest.readUInt16BE(0) % 1800);
  const likeCount = Math.floor(reach * (0.02 + (digest[2] % 10) / 100));
  const commentsCount = Math.floor(likeCount / (4 + (digest[3] % 6))) + ((caption ?? "").includes("?") ? 2 : 0);
  const saved = Math.floor(likeCount / (5 + (digest[4] % 5)));
  const impressions = reach + Math.floor(reach * ((digest[5] % 50) / 100));
  return { reach, likeCount, commentsCount, saved, impressions };
}

function encodeCursor(media: { publishedAt: Date; id: string }) {
  return Buffer.from(JSON.stringify([media.publishedAt.toISOString(), media.id])).toString("base64url");
}

function decodeCursor(cursor: string): { publishedAt: Date; id: string } {
  try {
    const [publishedAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const date = new Date(publishedAt);
    if (typeof id !== "string" || Number.isNaN(date.getTime())) throw new Error("bad cursor");
    return { publishedAt: date, id };
  } catch {
    throw new SocialProviderError("permanent", "Sandbox: invalid cursor.", { httpStatus: 400 });
  }
}
