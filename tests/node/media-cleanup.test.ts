import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, mediaObjects } from "../../db/schema";
import { storageUsedBytes } from "../../server/services/billing/usage";
import { deleteAbandonedUploads } from "../../server/services/media/cleanup";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { createLocalR2 } from "../support/r2";

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), r2?.dispose()]);
});

const now = new Date("2026-06-20T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

async function unfinishedUpload(workspaceId: string, createdAt: Date, status: "uploading" | "ready" = "uploading") {
  const id = crypto.randomUUID();
  const r2Key = `w/${workspaceId}/media/${id}/take.wav`;
  const multipart = await r2.bucket.createMultipartUpload(r2Key);
  await multipart.uploadPart(1, new Uint8Array(16));
  await t.db.insert(mediaObjects).values({
    id,
    workspaceId,
    r2Key,
    filename: "take.wav",
    contentType: "audio/wav",
    kind: "audio",
    declaredSize: 500_000_000,
    status,
    multipartUploadId: multipart.uploadId,
    createdAt,
  });
  return { id, r2Key, uploadId: multipart.uploadId };
}

describe("abandoned uploads", () => {
  it("deletes uploads unfinished for more than 7 days, aborts their parts and frees the quota; leaves the rest", async () => {
    const owner = await createUser(t.db);
    const workspace = await createWorkspace(t.db, owner);
    const stale = await unfinishedUpload(workspace.id, daysAgo(8));
    const recent = await unfinishedUpload(workspace.id, daysAgo(6));
    const finishedLongAgo = await unfinishedUpload(workspace.id, daysAgo(30), "ready");
    expect(await storageUsedBytes(t.db, workspace.id)).toBe(1_500_000_000);

    expect(await deleteAbandonedUploads({ db: t.db, bucket: r2.bucket, now })).toBe(1);
    expect(await deleteAbandonedUploads({ db: t.db, bucket: r2.bucket, now })).toBe(0);

    const left = await t.db
      .select({ id: mediaObjects.id })
      .from(mediaObjects)
      .where(eq(mediaObjects.workspaceId, workspace.id));
    expect(left.map((row) => row.id).sort()).toEqual([recent.id, finishedLongAgo.id].sort());
    expect(await storageUsedBytes(t.db, workspace.id)).toBe(1_000_000_000);
    // The parts are gone: the multipart upload can no longer be completed.
    await expect(r2.bucket.resumeMultipartUpload(stale.r2Key, stale.uploadId).complete([])).rejects.toThrow();
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, workspace.id));
    expect(audit).toEqual([
      expect.objectContaining({
        action: "media.deleted",
        actorUserId: null,
        detail: expect.objectContaining({ mediaId: stale.id }),
      }),
    ]);
  });

  it("keeps going past a storage failure, leaves that file rejected with the reason, and reports the failure", async () => {
    const owner = await createUser(t.db);
    const workspace = await createWorkspace(t.db, owner);
    const stuck = await unfinishedUpload(workspace.id, daysAgo(9));
    const fine = await unfinishedUpload(workspace.id, daysAgo(8));
    const flaky = {
      ...r2.bucket,
      resumeMultipartUpload: (key: string, uploadId: string) => r2.bucket.resumeMultipartUpload(key, uploadId),
      delete: async (key: string) => {
        if (key === stuck.r2Key) throw new Error("R2 is unavailable");
        return r2.bucket.delete(key);
      },
    } as unknown as R2Bucket;

    await expect(deleteAbandonedUploads({ db: t.db, bucket: flaky, now })).rejects.toThrow(
      /Could not remove 1 abandoned upload\(s\)/,
    );
    const rows = await t.db.select().from(mediaObjects).where(eq(mediaObjects.workspaceId, workspace.id));
    expect(rows.map((row) => row.id)).toEqual([stuck.id]);
    expect(rows[0]).toMatchObject({ status: "rejected", rejectionReason: "Upload unfinished after 7 days" });
    expect(fine.id).not.toBe(stuck.id);
    expect(await storageUsedBytes(t.db, workspace.id)).toBe(0);
  });
});
