import { and, asc, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { mediaObjects } from "../../../db/schema";
import { recordAudit } from "../audit/audit";
import { removeStoredObject } from "./library";

/** R2 aborts unfinished multipart uploads after 7 days, so such an upload can never be resumed or completed. */
export const ABANDONED_UPLOAD_DAYS = 7;

/**
 * Deletes uploads left unfinished for longer than R2 keeps their parts: the rows would otherwise hold their
 * declared size against the storage quota forever. A row completed meanwhile is left alone (status guard), so
 * overlapping runs and a late completion are harmless. Returns how many were removed.
 */
export async function deleteAbandonedUploads(opts: { db: DbOrTx; bucket: R2Bucket; now: Date; limit?: number }): Promise<number> {
  const cutoff = new Date(opts.now.getTime() - ABANDONED_UPLOAD_DAYS * 86_400_000);
  const abandoned = await opts.db
    .select({ id: mediaObjects.id, workspaceId: mediaObjects.workspaceId, r2Key: mediaObjects.r2Key, filename: mediaObjects.filename, multipartUploadId: mediaObjects.multipartUploadId })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.status, "uploading"), lt(mediaObjects.createdAt, cutoff)))
    .orderBy(asc(mediaObjects.createdAt))
    .limit(opts.limit ?? 100);
  let removed = 0;
  for (const row of abandoned) {
    await removeStoredObject(opts.bucket, row);
    const [deleted] = await opts.db
      .delete(mediaObjects)
      .where(and(eq(mediaObjects.id, row.id), eq(mediaObjects.status, "uploading")))
      .returning({ id: mediaObjects.id });
    if (!deleted) continue;
    removed++;
    await recordAudit({
      db: opts.db,
      action: "media.deleted",
      actorUserId: null,
      workspaceId: row.workspaceId,
      detail: { mediaId: row.id, filename: row.filename, reason: `upload unfinished after ${ABANDONED_UPLOAD_DAYS} days` },
      meta: { ip: null, userAgent: "cron" },
      now: opts.now,
    });
  }
  return removed;
}
