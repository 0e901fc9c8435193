import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { workspaces } from "./workspaces";

export const MEDIA_KINDS = ["audio", "video", "image"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * uploading: parts are arriving; verifying: all parts in, checks running; ready: checked and usable;
 * rejected: failed a check (the object is deleted from R2, the row stays with the reason).
 */
export const MEDIA_STATUSES = ["uploading", "verifying", "ready", "rejected"] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

/** One file in R2 under the workspace's prefix `w/<workspace_id>/`. */
export const mediaObjects = pgTable(
  "media_objects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    r2Key: text("r2_key").notNull().unique(),
    filename: text("filename").notNull(),
    /** Declared by the uploader; checked against the file's magic bytes after upload. */
    contentType: text("content_type").notNull(),
    kind: text("kind", { enum: MEDIA_KINDS }).notNull(),
    declaredSize: bigint("declared_size", { mode: "number" }).notNull(),
    /** Bytes actually stored; counted towards the workspace's storage once the object is ready. */
    size: bigint("size", { mode: "number" }),
    status: text("status", { enum: MEDIA_STATUSES }).notNull().default("uploading"),
    rejectionReason: text("rejection_reason"),
    /** R2 multipart upload id while uploading in parts; null for single-request uploads. */
    multipartUploadId: text("multipart_upload_id"),
    partSize: integer("part_size"),
    /** Read from the file's own headers when the upload finishes (audio and video); null when unreadable. */
    durationSeconds: integer("duration_seconds"),
    /** Pixel size read from a JPEG or PNG's header when the upload finishes; show artwork must be square. */
    widthPx: integer("width_px"),
    heightPx: integer("height_px"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [index("media_objects_workspace_idx").on(t.workspaceId, t.createdAt)],
);

/** Parts already stored in R2, so an interrupted upload resumes without re-sending them. */
export const mediaUploadParts = pgTable(
  "media_upload_parts",
  {
    mediaId: uuid("media_id")
      .notNull()
      .references(() => mediaObjects.id, { onDelete: "cascade" }),
    partNumber: integer("part_number").notNull(),
    etag: text("etag").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mediaId, t.partNumber] })],
);
