import { and, desc, eq, inArray, lt, notInArray, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  episodes,
  mediaObjects,
  MEDIA_KINDS,
  socialPostMedia,
  socialPosts,
  transcriptionJobs,
  transcripts,
  type MediaKind,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";

const itemColumns = {
  id: mediaObjects.id,
  filename: mediaObjects.filename,
  contentType: mediaObjects.contentType,
  kind: mediaObjects.kind,
  status: mediaObjects.status,
  rejectionReason: mediaObjects.rejectionReason,
  declaredSize: mediaObjects.declaredSize,
  size: mediaObjects.size,
  durationSeconds: mediaObjects.durationSeconds,
  widthPx: mediaObjects.widthPx,
  heightPx: mediaObjects.heightPx,
  createdAt: mediaObjects.createdAt,
  completedAt: mediaObjects.completedAt,
  transcriptionJobId: transcriptionJobs.id,
  transcriptionStatus: transcriptionJobs.status,
  transcriptionProgress: transcriptionJobs.progress,
  transcriptionError: transcriptionJobs.lastError,
  transcriptId: transcripts.id,
};

type ItemRow = Awaited<ReturnType<typeof selectItems>>[number];

const toItem = ({
  transcriptionJobId,
  transcriptionStatus,
  transcriptionProgress,
  transcriptionError,
  transcriptId,
  ...row
}: ItemRow) => ({
  ...row,
  transcription:
    transcriptionJobId && transcriptionStatus
      ? {
          jobId: transcriptionJobId,
          status: transcriptionStatus,
          progress: transcriptionProgress ?? 0,
          lastError: transcriptionError,
          transcriptId,
        }
      : null,
});

export type MediaItem = ReturnType<typeof toItem>;

/** Media with their transcription job and transcript, if any, in one query (each is at most one row per media object). */
function selectItems(db: DbOrTx) {
  return db
    .select(itemColumns)
    .from(mediaObjects)
    .leftJoin(
      transcriptionJobs,
      and(eq(transcriptionJobs.mediaId, mediaObjects.id), eq(transcriptionJobs.workspaceId, mediaObjects.workspaceId)),
    )
    .leftJoin(
      transcripts,
      and(eq(transcripts.mediaId, mediaObjects.id), eq(transcripts.workspaceId, mediaObjects.workspaceId)),
    );
}

export async function getMediaItem(opts: { db: DbOrTx; workspaceId: string; mediaId: string }): Promise<MediaItem> {
  const [row] = await selectItems(opts.db)
    .where(and(eq(mediaObjects.id, opts.mediaId), eq(mediaObjects.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Media file");
  return toItem(row);
}

/** Newest first, keyset-paginated by (created_at, id); every status, so unfinished and rejected files show too. */
export async function listMedia(opts: {
  db: DbOrTx;
  workspaceId: string;
  limit: number;
  cursor?: { createdAt: Date; id: string };
}) {
  const cursorFilter = opts.cursor
    ? or(
        lt(mediaObjects.createdAt, opts.cursor.createdAt),
        and(eq(mediaObjects.createdAt, opts.cursor.createdAt), lt(mediaObjects.id, opts.cursor.id)),
      )
    : undefined;
  const rows = await selectItems(opts.db)
    .where(and(eq(mediaObjects.workspaceId, opts.workspaceId), cursorFilter))
    .orderBy(desc(mediaObjects.createdAt), desc(mediaObjects.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit).map(toItem);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor: rows.length > opts.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/** Bytes of the workspace's checked files, in total and per kind. Unfinished and rejected uploads do not count. */
export async function getStorageUsage(opts: { db: DbOrTx; workspaceId: string }) {
  const rows = await opts.db
    .select({
      kind: mediaObjects.kind,
      files: sql<number>`count(*)::int`,
      bytes: sql<string>`coalesce(sum(${mediaObjects.size}), 0)`,
    })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.workspaceId, opts.workspaceId), eq(mediaObjects.status, "ready")))
    .groupBy(mediaObjects.kind);
  const byKind = Object.fromEntries(MEDIA_KINDS.map((kind) => [kind, { files: 0, bytes: 0 }])) as Record<
    MediaKind,
    { files: number; bytes: number }
  >;
  for (const row of rows) byKind[row.kind] = { files: row.files, bytes: Number(row.bytes) };
  const all = Object.values(byKind);
  return {
    usedBytes: all.reduce((sum, k) => sum + k.bytes, 0),
    fileCount: all.reduce((sum, k) => sum + k.files, 0),
    byKind,
  };
}

/**
 * Removes the rows and records the audit, then the stored object (or the unfinished multipart upload), all in one
 * transaction: if storage fails the rows come back, so the file stays listed and the person can try again,
 * instead of an invisible object being left behind.
 */
export async function deleteMedia(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  workspaceId: string;
  mediaId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  const [row] = await opts.db
    .select({
      id: mediaObjects.id,
      r2Key: mediaObjects.r2Key,
      filename: mediaObjects.filename,
      multipartUploadId: mediaObjects.multipartUploadId,
    })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.id, opts.mediaId), eq(mediaObjects.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Media file");
  await opts.db.transaction(async (tx) => {
    // The row lock waits for (and then excludes) a post being saved with this file, which locks it for share.
    await tx.select({ id: mediaObjects.id }).from(mediaObjects).where(eq(mediaObjects.id, row.id)).for("update");
    await assertMediaUnused({ db: tx, workspaceId: opts.workspaceId, mediaId: row.id, filename: row.filename });
    // Posts already published, failed or canceled keep their caption and outcome; only the link to the file goes.
    await tx.delete(socialPostMedia).where(
      and(
        eq(socialPostMedia.mediaId, row.id),
        inArray(
          socialPostMedia.postId,
          tx
            .select({ id: socialPosts.id })
            .from(socialPosts)
            .where(notInArray(socialPosts.status, [...LIVE_POST_STATUSES])),
        ),
      ),
    );
    await tx
      .delete(mediaObjects)
      .where(and(eq(mediaObjects.id, row.id), eq(mediaObjects.workspaceId, opts.workspaceId)));
    await recordAudit({
      db: tx,
      action: "media.deleted",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { mediaId: row.id, filename: row.filename },
      meta: opts.meta,
      now: opts.now,
    });
    // Last inside the transaction: a failed write above leaves the file in place, and a storage failure here
    // rolls the rows back, so the file stays listed and can be deleted again.
    await removeStoredObject(opts.bucket, row);
  });
  return { id: row.id };
}

const LIVE_POST_STATUSES = ["draft", "scheduled", "queued", "publishing"] as const;

/**
 * Refuses deleting a file something still depends on: the audio of a published or scheduled episode (the feed
 * would silently lose the enclosure) or the media of a social post that has not published yet.
 */
async function assertMediaUnused(opts: { db: DbOrTx; workspaceId: string; mediaId: string; filename: string }) {
  const usedByEpisodes = await opts.db
    .select({ title: episodes.title })
    .from(episodes)
    .where(
      and(
        eq(episodes.workspaceId, opts.workspaceId),
        eq(episodes.audioMediaId, opts.mediaId),
        inArray(episodes.status, ["published", "scheduled"]),
      ),
    )
    .limit(3);
  if (usedByEpisodes.length > 0) {
    const titles = usedByEpisodes.map((e) => `“${e.title}”`).join(", ");
    throw new AppError(
      "CONFLICT",
      `“${opts.filename}” is the audio of ${titles}. Choose other audio for ${usedByEpisodes.length === 1 ? "that episode" : "those episodes"} (or unpublish) before deleting it.`,
    );
  }
  const [posts] = await opts.db
    .select({ n: sql<number>`count(distinct ${socialPosts.id})::int` })
    .from(socialPostMedia)
    .innerJoin(socialPosts, eq(socialPosts.id, socialPostMedia.postId))
    .where(
      and(
        eq(socialPostMedia.mediaId, opts.mediaId),
        eq(socialPosts.workspaceId, opts.workspaceId),
        inArray(socialPosts.status, [...LIVE_POST_STATUSES]),
      ),
    );
  const waiting = Number(posts?.n ?? 0);
  if (waiting > 0) {
    throw new AppError(
      "CONFLICT",
      `“${opts.filename}” is used by ${waiting === 1 ? "a social post" : `${waiting} social posts`} that ${waiting === 1 ? "has" : "have"} not been published yet. Remove it from ${waiting === 1 ? "that post" : "those posts"} or cancel ${waiting === 1 ? "it" : "them"} first.`,
    );
  }
}

/** Deletes whatever R2 holds for the row: the object, and an unfinished multipart upload's parts. */
export async function removeStoredObject(bucket: R2Bucket, row: { r2Key: string; multipartUploadId: string | null }) {
  try {
    if (row.multipartUploadId) await abortMultipart(bucket, row.r2Key, row.multipartUploadId);
    await bucket.delete(row.r2Key);
  } catch (error) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "Storage did not respond, so nothing was deleted. Try again in a moment.",
      { cause: error },
    );
  }
}

/** Aborting an upload R2 has already completed or expired is not an error: there is nothing left to abort. */
async function abortMultipart(bucket: R2Bucket, key: string, uploadId: string) {
  try {
    await bucket.resumeMultipartUpload(key, uploadId).abort();
  } catch (error) {
    if (!/does not exist|NoSuchUpload/i.test(error instanceof Error ? error.message : String(error))) throw error;
  }
}
