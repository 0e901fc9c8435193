import * as z from "zod";
import { rowId } from "../../../lib/text";
import { MEDIA_KINDS, MEDIA_STATUSES, TRANSCRIPTION_STATUSES } from "../../../../db/schema";

export const ZMediaId = z.object({ mediaId: rowId("Unknown media file.") });

/** A file as the library shows it, with its transcription job when there is one. */
export const ZMediaItem = z.object({
  id: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  kind: z.enum(MEDIA_KINDS),
  status: z.enum(MEDIA_STATUSES),
  rejectionReason: z.string().nullable(),
  declaredSize: z.number().int(),
  size: z.number().int().nullable(),
  /** Read from the file at upload: audio/video length, image pixel size; null when unknown. */
  durationSeconds: z.number().int().nullable(),
  widthPx: z.number().int().nullable(),
  heightPx: z.number().int().nullable(),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
  transcription: z
    .object({
      jobId: z.uuid(),
      status: z.enum(TRANSCRIPTION_STATUSES),
      progress: z.number().int(),
      lastError: z.string().nullable(),
      transcriptId: z.uuid().nullable(),
    })
    .nullable(),
});

/** What the browser needs to send a file, or to resume one: the part plan, the stored parts, a signed token. */
export const ZUploadSession = z.object({
  mediaId: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  kind: z.enum(MEDIA_KINDS),
  size: z.number().int(),
  status: z.enum(MEDIA_STATUSES),
  rejectionReason: z.string().nullable(),
  partSize: z.number().int(),
  partCount: z.number().int(),
  multipart: z.boolean(),
  uploadedParts: z.array(z.number().int()),
  token: z.string().nullable(),
  tokenExpiresAt: z.date().nullable(),
});
