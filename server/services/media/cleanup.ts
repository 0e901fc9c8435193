import { and, asc, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { mediaObjects } from "../../../db/schema";
import { recordAudit } from "../audit/audit";
import { removeStoredObject } from "./library";

/** R2 aborts unfinished multipart uploads after 7 days, so such an upload can never be resumed or completed. */
const ABANDONED_UPLOAD_DAYS = 7;

/**
 * Deletes uploads left unfinished for longer than R2 keeps their parts: the rows would otherwise hold their
 * declared size against the storage quota forever. Each row is claimed first (uploading -> rejected, with the
 * reason), so an upload finished at the last moment is left alone and overlapping runs never both act on one;
 * then its bytes are removed and the row deleted. A storage failure leaves that row rejected with its reason and
 * the others are still processed; the failures are thrown at the end so the cron reports them.
 */
export async function deleteAbandonedUploads(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  now: Date;
  limit?: number;
}): Promise<number> {
  const cutoff = new Date(opts.now.getTime() - ABANDONED_UPLOAD_DAYS * 86_400_000);
  const reason = `Upload unfinished after ${ABANDONED_UPLOAD_DAYS} days`;
  const abandoned = await opts.db
    .select({ id: mediaObjects.id })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.status, "uploading"), lt(mediaObjects.createdAt, cutoff)))
    .orderBy(asc(mediaObjects.createdAt))
    .limit(opts.limit ?? 100);
  let removed = 0;
  const failures: Error[] = [];
  for (const { id } of abandoned) {
    const [row] = await opts.db
      .update(mediaObjects)
      .set({ status: "rejected", rejectionReason: reason })
      .where(and(eq(mediaObjects.id, id), eq(mediaObjects.status, "uploading")))
      .returning({
        id: mediaObjects.id,
        workspaceId: mediaObjects.workspaceId,
        r2Key: mediaObjects.r2Key,
        filename: mediaObjects.filename,
        multipartUploadId: mediaObjects.multipartUploadId,
      });
    if (!row) continue;
    try {
      await removeStoredObject(opts.bucket, row);
    } catch (error) {
      failures.push(
        new Error(`media ${row.id}: ${error instanceof Error ? error.message : String(error)}`, { cause: error }),
      );
      continue;
    }
    await opts.db.transaction(async (tx) => {
      await tx.delete(mediaObjects).where(eq(mediaObjects.id, row.id));
      await recordAudit({
        db: tx,
        action: "media.deleted",
        actorUserId: null,
        workspaceId: row.workspaceId,
        detail: { mediaId: row.id, filename: row.filename, reason: reason.toLowerCase() },
        meta: { ip: null, userAgent: "cron" },
        now: opts.now,
      });
    });
    removed++;
  }
  if (failures.length > 0)
    throw new Error(`Could not remove ${failures.length} abandoned upload(s): ${failures[0].message}`, {
      cause: failures[0],
    });
  return removed;
}
