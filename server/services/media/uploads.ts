import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, mediaUploadParts, memberships } from "../../../db/schema";
import { addSeconds } from "../../lib/clock";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import { assertCanStoreBytes, lockWorkspaceQuota } from "../billing/usage";
import type { RequestMeta } from "../auth/sessions";
import { afterCommitQueue, type QueueProducer } from "../platform/jobs";
import { requestTranscription } from "../transcription/request";
import { can } from "../workspaces/permissions";
import { getMediaItem, removeStoredObject } from "./library";
import {
  ACCEPTED_FORMATS_SENTENCE,
  ALLOWED_TYPES,
  formatBytes,
  MAX_UPLOAD_BYTES,
  normaliseContentType,
  PART_SIZE,
  partLength,
  planUpload,
  UPLOAD_TOKEN_TTL_SECONDS,
} from "./rules";
import { readAudioDuration, readImageSize, type ReadRange } from "./probe";
import { matchesSignature, SIGNATURE_BYTES } from "./signatures";
import { checkUploadToken, parseUploadToken, signUploadToken } from "./upload-token";

type MediaObject = typeof mediaObjects.$inferSelect;

/** A request body larger than the part it is for; the HTTP layer answers 413. */
export class UploadTooLargeError extends AppError {
  constructor(message: string) {
    super("BAD_REQUEST", message);
    this.name = "UploadTooLargeError";
  }
}

/** Safe in an R2 key and a URL: ASCII letters, digits, dot, dash, underscore; the extension kept; at most 100 characters. */
export function keySafeFilename(filename: string): string {
  const cleaned = filename
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  const extension = /\.[A-Za-z0-9]{1,10}$/.exec(cleaned)?.[0] ?? "";
  const base = cleaned
    .slice(0, cleaned.length - extension.length)
    .slice(0, 100 - extension.length)
    .replace(/[-.]+$/, "");
  return `${base || "file"}${extension}`;
}

export const mediaKey = (workspaceId: string, mediaId: string, filename: string) =>
  `w/${workspaceId}/media/${mediaId}/${keySafeFilename(filename)}`;

function planOf(row: Pick<MediaObject, "declaredSize" | "partSize">) {
  return planUpload(row.declaredSize, row.partSize ?? PART_SIZE);
}

const grantOf = (row: MediaObject) => ({
  mediaId: row.id,
  workspaceId: row.workspaceId,
  r2Key: row.r2Key,
  size: row.declaredSize,
  contentType: row.contentType,
});

/** What the uploader needs to send (or resume) a file: its part plan, the parts already stored and a fresh token. */
function uploadSession(row: MediaObject, uploadedParts: number[], secret: string, now: Date) {
  const plan = planOf(row);
  const open = row.status === "uploading";
  const tokenExpiresAt = addSeconds(now, UPLOAD_TOKEN_TTL_SECONDS);
  return {
    mediaId: row.id,
    filename: row.filename,
    contentType: row.contentType,
    kind: row.kind,
    size: row.declaredSize,
    status: row.status,
    rejectionReason: row.rejectionReason,
    ...plan,
    uploadedParts,
    token: open ? signUploadToken({ secret, grant: grantOf(row), expiresAt: tokenExpiresAt }) : null,
    tokenExpiresAt: open ? tokenExpiresAt : null,
  };
}

export type UploadSession = ReturnType<typeof uploadSession>;

async function findMedia(db: DbOrTx, workspaceId: string, mediaId: string) {
  const [row] = await db
    .select()
    .from(mediaObjects)
    .where(and(eq(mediaObjects.id, mediaId), eq(mediaObjects.workspaceId, workspaceId)))
    .limit(1);
  return row;
}

async function uploaderMayStillWrite(
  db: DbOrTx,
  row: { workspaceId: string; createdBy: string | null },
): Promise<boolean> {
  if (!row.createdBy) return false;
  const [member] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, row.workspaceId), eq(memberships.userId, row.createdBy)))
    .limit(1);
  return member !== undefined && can(member.role, "content.write");
}

async function storedParts(db: DbOrTx, workspaceId: string, mediaId: string) {
  return db
    .select({ partNumber: mediaUploadParts.partNumber, etag: mediaUploadParts.etag })
    .from(mediaUploadParts)
    .innerJoin(mediaObjects, eq(mediaObjects.id, mediaUploadParts.mediaId))
    .where(and(eq(mediaUploadParts.mediaId, mediaId), eq(mediaObjects.workspaceId, workspaceId)))
    .orderBy(asc(mediaUploadParts.partNumber));
}

/**
 * Registers a file about to be uploaded: checks its declared type and size, reserves its key under the
 * workspace's prefix and, for files of more than one part, starts the R2 multipart upload.
 */
export async function createUpload(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  secret: string;
  workspaceId: string;
  actorUserId: string;
  filename: string;
  contentType: string;
  size: number;
  meta: RequestMeta;
  now: Date;
}): Promise<UploadSession> {
  const contentType = normaliseContentType(opts.contentType);
  if (!contentType) {
    throw new AppError(
      "BAD_REQUEST",
      `“${opts.filename}” is not a type Greenroom stores. Upload ${ACCEPTED_FORMATS_SENTENCE}.`,
      {
        fieldErrors: { contentType: [`Upload ${ACCEPTED_FORMATS_SENTENCE}.`] },
      },
    );
  }
  if (opts.size < 1) {
    throw new AppError("BAD_REQUEST", `“${opts.filename}” is empty. Choose a file with something in it.`, {
      fieldErrors: { size: ["The file is empty."] },
    });
  }
  if (opts.size > MAX_UPLOAD_BYTES) {
    const limit = formatBytes(MAX_UPLOAD_BYTES);
    throw new AppError(
      "BAD_REQUEST",
      `“${opts.filename}” is ${formatBytes(opts.size)}; files can be at most ${limit}. Compress it or split it into parts.`,
      {
        fieldErrors: { size: [`Files can be at most ${limit}.`] },
      },
    );
  }
  const filename = opts.filename.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 255);
  const id = crypto.randomUUID();
  const r2Key = mediaKey(opts.workspaceId, id, filename);
  const plan = planUpload(opts.size);
  const multipart = plan.multipart
    ? await opts.bucket.createMultipartUpload(r2Key, { httpMetadata: { contentType } })
    : null;
  try {
    // Checked and inserted under the workspace's quota lock, so parallel uploads cannot overshoot the storage.
    const [row] = await opts.db.transaction(async (tx) => {
      await lockWorkspaceQuota(tx, opts.workspaceId);
      await assertCanStoreBytes({ db: tx, workspaceId: opts.workspaceId, bytes: opts.size, now: opts.now });
      await recordAudit({
        db: tx,
        action: "media.upload_started",
        actorUserId: opts.actorUserId,
        workspaceId: opts.workspaceId,
        detail: { mediaId: id, filename, size: opts.size },
        meta: opts.meta,
        now: opts.now,
      });
      return tx
        .insert(mediaObjects)
        .values({
          id,
          workspaceId: opts.workspaceId,
          r2Key,
          filename,
          contentType,
          kind: ALLOWED_TYPES[contentType].kind,
          declaredSize: opts.size,
          status: "uploading",
          multipartUploadId: multipart?.uploadId ?? null,
          partSize: plan.partSize,
          createdBy: opts.actorUserId,
          createdAt: opts.now,
        })
        .returning();
    });
    return uploadSession(row, [], opts.secret, opts.now);
  } catch (error) {
    await multipart?.abort().catch(() => undefined);
    throw error;
  }
}

/** For resuming: the parts already stored and a fresh token. A finished upload gets no token. */
export async function getUpload(opts: {
  db: DbOrTx;
  secret: string;
  workspaceId: string;
  mediaId: string;
  now: Date;
}): Promise<UploadSession> {
  const row = await findMedia(opts.db, opts.workspaceId, opts.mediaId);
  if (!row) throw notFound("Upload");
  const parts = row.status === "uploading" ? await storedParts(opts.db, opts.workspaceId, row.id) : [];
  return uploadSession(
    row,
    parts.map((part) => part.partNumber),
    opts.secret,
    opts.now,
  );
}

const INVALID_TOKEN = "This upload link is not valid for this file. Choose the file again to get a new link.";

/**
 * Stores one part (or, for a single-part file, the whole file) sent with an upload token. The token is the
 * credential: it names the workspace and is signed over the object's key, size and type. The body must be
 * exactly the planned length of that part; re-sending a part replaces it.
 */
export async function receiveUploadPart(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  secret: string;
  mediaId: string;
  token: string;
  partNumber: number;
  /** Whether the request came to the multipart address (`/parts/:n`) or the single-request one. */
  multipartRequest: boolean;
  contentLength: number;
  body: ReadableStream | ArrayBufferView | ArrayBuffer;
  now: Date;
}) {
  const claimed = parseUploadToken(opts.token);
  const row = claimed ? await findMedia(opts.db, claimed.workspaceId, opts.mediaId) : undefined;
  if (!row) throw new AppError("FORBIDDEN", INVALID_TOKEN);
  const check = checkUploadToken({ secret: opts.secret, token: opts.token, grant: grantOf(row), now: opts.now });
  if (check === "invalid") throw new AppError("FORBIDDEN", INVALID_TOKEN);
  if (check === "expired")
    throw new AppError(
      "FORBIDDEN",
      "This upload link has expired. Choose the file again to continue where it stopped.",
    );
  if (row.status !== "uploading")
    throw new AppError("CONFLICT", "This upload is already finished; there is nothing more to send.");
  // The token outlives a membership change: someone removed (or demoted to viewer) mid-upload may not go on.
  if (!(await uploaderMayStillWrite(opts.db, row)))
    throw new AppError("FORBIDDEN", "You can no longer upload files to this workspace.");

  const plan = planOf(row);
  if (plan.multipart !== opts.multipartRequest) {
    throw new AppError(
      "BAD_REQUEST",
      plan.multipart
        ? `This file is sent in ${plan.partCount} parts: PUT each to /api/uploads/${row.id}/parts/<number>.`
        : `This file is sent in one request: PUT it to /api/uploads/${row.id}.`,
    );
  }
  if (!Number.isInteger(opts.partNumber) || opts.partNumber < 1 || opts.partNumber > plan.partCount) {
    const parts = plan.partCount === 1 ? "one part" : `${plan.partCount} parts, numbered 1 to ${plan.partCount}`;
    throw new AppError("BAD_REQUEST", `There is no part ${opts.partNumber}: this file has ${parts}.`);
  }
  const expected = partLength(row.declaredSize, plan.partSize, opts.partNumber);
  if (opts.contentLength > expected) {
    throw new UploadTooLargeError(
      `Part ${opts.partNumber} must be ${expected} bytes (${formatBytes(expected)}); this request carries ${opts.contentLength}.`,
    );
  }
  if (opts.contentLength < expected) {
    throw new AppError(
      "BAD_REQUEST",
      `Part ${opts.partNumber} must be ${expected} bytes (${formatBytes(expected)}); this request carries only ${opts.contentLength}.`,
    );
  }

  const etag = row.multipartUploadId
    ? (await opts.bucket.resumeMultipartUpload(row.r2Key, row.multipartUploadId).uploadPart(opts.partNumber, opts.body))
        .etag
    : (await opts.bucket.put(row.r2Key, opts.body, { httpMetadata: { contentType: row.contentType } })).etag;
  if (!row.multipartUploadId) await refuseLateSingleUpload(opts, row);
  await opts.db
    .insert(mediaUploadParts)
    .values({ mediaId: row.id, partNumber: opts.partNumber, etag, size: expected, createdAt: opts.now })
    .onConflictDoUpdate({
      target: [mediaUploadParts.mediaId, mediaUploadParts.partNumber],
      set: { etag, size: expected, createdAt: opts.now },
    });
  return { partNumber: opts.partNumber, size: expected };
}

/**
 * A single-request upload writes the final object directly, so a PUT that finishes after the upload was finished,
 * cancelled or deleted could replace bytes that were already checked (or leave an object no row points to). R2
 * refuses such late parts for multipart uploads; here the late write is undone and the file rejected instead.
 */
async function refuseLateSingleUpload(
  opts: { db: DbOrTx; bucket: R2Bucket; now: Date },
  row: { id: string; workspaceId: string; r2Key: string },
) {
  const [current] = await opts.db
    .select({ status: mediaObjects.status })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.id, row.id), eq(mediaObjects.workspaceId, row.workspaceId)))
    .limit(1);
  if (current?.status === "uploading") return;
  await opts.bucket.delete(row.r2Key);
  if (!current) throw new AppError("CONFLICT", "This upload was cancelled; the file was not kept.");
  const reason = "The file was sent again while it was being checked, so it could not be trusted. Upload it again.";
  await opts.db
    .update(mediaObjects)
    .set({ status: "rejected", rejectionReason: reason, completedAt: opts.now })
    .where(and(eq(mediaObjects.id, row.id), eq(mediaObjects.workspaceId, row.workspaceId)));
  throw new AppError("CONFLICT", reason);
}

/** "part 3 of 3 has not arrived", "parts 2 and 5 of 9 have not arrived"; long lists are cut short. */
function describeMissing(missing: number[], partCount: number) {
  if (missing.length === 1) return `part ${missing[0]} of ${partCount} has not arrived. Send it`;
  const shown =
    missing.length > 10
      ? `${missing.slice(0, 10).join(", ")} and ${missing.length - 10} more`
      : `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)}`;
  return `parts ${shown} of ${partCount} have not arrived. Send them`;
}

/**
 * Finishes an upload: assembles the parts, checks the stored size and the file's first bytes against its
 * declared type, and marks it ready (requesting a transcription for audio and video) or rejected (deleting
 * the object, keeping the row with the reason). Every step can be repeated, so a retried or doubled call,
 * or one after a crash half-way, ends in the same state; a finished upload is returned unchanged.
 */
export async function completeUpload(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  workspaceId: string;
  mediaId: string;
  actorUserId: string;
  transcription: { queue: QueueProducer; providersConfigured: boolean };
  meta: RequestMeta;
  now: Date;
}) {
  const row = await findMedia(opts.db, opts.workspaceId, opts.mediaId);
  if (!row) throw notFound("Upload");
  if (row.status === "ready") {
    await requestTranscriptionFor(opts, row);
    return getMediaItem(opts);
  }
  if (row.status === "rejected") return getMediaItem(opts);

  const plan = planOf(row);
  const parts = await storedParts(opts.db, opts.workspaceId, row.id);
  const stored = new Set(parts.map((part) => part.partNumber));
  const missing = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !stored.has(n));
  if (missing.length > 0) {
    throw new AppError(
      "BAD_REQUEST",
      `The upload is not complete: ${describeMissing(missing, plan.partCount)}, then finish again.`,
    );
  }
  await setStatus(opts, row.id, "verifying");

  if (row.multipartUploadId) {
    try {
      await opts.bucket.resumeMultipartUpload(row.r2Key, row.multipartUploadId).complete(parts);
    } catch (error) {
      // Completed by an earlier attempt that did not get to record it: the object is there, so carry on.
      if (!(await opts.bucket.head(row.r2Key))) {
        await setStatus(opts, row.id, "uploading");
        throw new AppError(
          "PRECONDITION_FAILED",
          "Storage could not put the parts together. Try finishing the upload again in a moment.",
          { cause: error },
        );
      }
    }
  }

  const rejection = await inspectStoredFile(opts.bucket, row);
  const probed = rejection ? null : await probeStoredFile(opts.bucket, row);
  const transcriptionQueue = afterCommitQueue(opts.transcription.queue);
  try {
    await opts.db.transaction(async (tx) => {
      const [finished] = await tx
        .update(mediaObjects)
        .set(
          rejection
            ? {
                status: "rejected",
                rejectionReason: rejection.reason,
                size: rejection.size,
                multipartUploadId: null,
                completedAt: opts.now,
              }
            : {
                status: "ready",
                size: row.declaredSize,
                multipartUploadId: null,
                completedAt: opts.now,
                ...probed,
              },
        )
        .where(
          and(
            eq(mediaObjects.id, row.id),
            eq(mediaObjects.workspaceId, opts.workspaceId),
            inArray(mediaObjects.status, ["uploading", "verifying"]),
          ),
        )
        .returning({ id: mediaObjects.id });
      if (finished) {
        await recordAudit({
          db: tx,
          action: rejection ? "media.rejected" : "media.uploaded",
          actorUserId: opts.actorUserId,
          workspaceId: opts.workspaceId,
          detail: rejection
            ? { mediaId: row.id, filename: row.filename, reason: rejection.reason }
            : { mediaId: row.id, filename: row.filename, size: row.declaredSize },
          meta: opts.meta,
          now: opts.now,
        });
      }
      if (finished && probed?.durationSeconds) {
        // Episodes that chose this audio while it was still uploading get its duration now, as if chosen after.
        await tx
          .update(episodes)
          .set({ durationSeconds: probed.durationSeconds })
          .where(
            and(
              eq(episodes.workspaceId, opts.workspaceId),
              eq(episodes.audioMediaId, row.id),
              isNull(episodes.durationSeconds),
            ),
          );
      }
      if (!rejection)
        await requestTranscriptionFor(
          { ...opts, db: tx, transcription: { ...opts.transcription, queue: transcriptionQueue.queue } },
          row,
        );
      // Last, so a failed write above keeps the file; the row already says it is rejected if the commit follows.
      if (rejection) await removeStoredObject(opts.bucket, { r2Key: row.r2Key, multipartUploadId: null });
    });
  } catch (error) {
    // Back to where the call started, so finishing again repeats every step.
    await setStatus(opts, row.id, "uploading");
    throw error;
  }
  await transcriptionQueue.flush();
  return getMediaItem(opts);
}

async function setStatus(
  opts: { db: DbOrTx; workspaceId: string },
  mediaId: string,
  status: "uploading" | "verifying",
) {
  await opts.db
    .update(mediaObjects)
    .set({ status })
    .where(
      and(
        eq(mediaObjects.id, mediaId),
        eq(mediaObjects.workspaceId, opts.workspaceId),
        inArray(mediaObjects.status, ["uploading", "verifying"]),
      ),
    );
}

function requestTranscriptionFor(
  opts: {
    db: DbOrTx;
    workspaceId: string;
    transcription: { queue: QueueProducer; providersConfigured: boolean };
    now: Date;
  },
  row: MediaObject,
) {
  if (row.kind === "image") return;
  return requestTranscription({
    db: opts.db,
    queue: opts.transcription.queue,
    workspaceId: opts.workspaceId,
    mediaId: row.id,
    providersConfigured: opts.transcription.providersConfigured,
    now: opts.now,
  });
}

/** Why the stored file cannot be accepted, or null when its size and first bytes match what was declared. */
async function inspectStoredFile(
  bucket: R2Bucket,
  row: MediaObject,
): Promise<{ reason: string; size: number | null } | null> {
  const head = await bucket.get(row.r2Key, { range: { offset: 0, length: SIGNATURE_BYTES } });
  if (!head) return { reason: "The file never arrived in storage. Upload it again.", size: null };
  const firstBytes = new Uint8Array(await head.arrayBuffer());
  if (head.size !== row.declaredSize) {
    return {
      reason: `The stored file is ${formatBytes(head.size)} (${head.size} bytes) but ${row.declaredSize} bytes were announced. Upload it again.`,
      size: head.size,
    };
  }
  const type = normaliseContentType(row.contentType);
  if (!type || !matchesSignature(ALLOWED_TYPES[type].signature, firstBytes)) {
    const label = type ? ALLOWED_TYPES[type].label : row.contentType;
    return {
      reason: `The file's contents are not ${label}, the type it was uploaded as. Upload a real ${label} file, or export it again from your editing software.`,
      size: head.size,
    };
  }
  return null;
}

/**
 * What directories need that only the file's bytes tell: an audio or video file's duration, an image's pixel size.
 * Unreadable headers leave them null; the file itself passed its checks and stays usable.
 */
async function probeStoredFile(
  bucket: R2Bucket,
  row: MediaObject,
): Promise<{ durationSeconds: number | null; widthPx: number | null; heightPx: number | null }> {
  const none = { durationSeconds: null, widthPx: null, heightPx: null };
  const type = normaliseContentType(row.contentType);
  if (!type) return none;
  const read: ReadRange = async (offset, length) => {
    if (offset >= row.declaredSize) return new Uint8Array();
    const part = await bucket.get(row.r2Key, {
      range: { offset, length: Math.min(length, row.declaredSize - offset) },
    });
    return part ? new Uint8Array(await part.arrayBuffer()) : new Uint8Array();
  };
  const file = { signature: ALLOWED_TYPES[type].signature, size: row.declaredSize, read };
  if (row.kind === "image") {
    const dimensions = await readImageSize(file);
    return { ...none, widthPx: dimensions?.width ?? null, heightPx: dimensions?.height ?? null };
  }
  return { ...none, durationSeconds: await readAudioDuration(file) };
}

/**
 * Cancels an unfinished upload: the row goes and R2 drops the stored parts. The object is removed last inside the
 * transaction, so a failed write leaves both in place. A finished file is deleted from the library instead.
 */
export async function abortUpload(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  workspaceId: string;
  mediaId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(mediaObjects)
      .where(and(eq(mediaObjects.id, opts.mediaId), eq(mediaObjects.workspaceId, opts.workspaceId)))
      .limit(1)
      .for("update");
    if (!row) throw notFound("Upload");
    if (row.status !== "uploading") {
      throw new AppError(
        "CONFLICT",
        "This upload has already finished, so it cannot be cancelled. Delete the file from the media library instead.",
      );
    }
    await tx
      .delete(mediaObjects)
      .where(and(eq(mediaObjects.id, row.id), eq(mediaObjects.workspaceId, opts.workspaceId)));
    await recordAudit({
      db: tx,
      action: "media.upload_aborted",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { mediaId: row.id, filename: row.filename },
      meta: opts.meta,
      now: opts.now,
    });
    await removeStoredObject(opts.bucket, row);
    return { id: row.id };
  });
}
