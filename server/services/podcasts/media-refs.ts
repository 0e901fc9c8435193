import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { mediaObjects, type MediaKind } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { ownValue } from "../../lib/records";

const KIND_MESSAGES: Record<MediaKind, string> = {
  audio: "Choose an audio file.",
  image: "Choose an image (JPEG or PNG).",
  video: "Choose a video file.",
};

/**
 * A media object of this workspace that a show or episode may point at. Another workspace's media is NOT_FOUND,
 * like one that does not exist; the wrong kind, or not ready when `ready` is asked for, is a field error.
 */
export async function requireWorkspaceMedia(opts: {
  db: DbOrTx;
  workspaceId: string;
  mediaId: string;
  kind: MediaKind;
  field: string;
  ready: boolean;
}) {
  const [media] = await opts.db
    .select()
    .from(mediaObjects)
    .where(and(eq(mediaObjects.id, opts.mediaId), eq(mediaObjects.workspaceId, opts.workspaceId)))
    .limit(1)
    // Inside the caller's transaction this holds the file until the episode or show that uses it commits, so a
    // concurrent delete (which locks it for update and then checks its users) waits and sees the new reference.
    .for("share");
  if (!media) throw notFound("Media file");
  if (media.kind !== opts.kind) {
    throw new AppError("BAD_REQUEST", KIND_MESSAGES[opts.kind], {
      fieldErrors: { [opts.field]: [KIND_MESSAGES[opts.kind]] },
    });
  }
  if (opts.ready && media.status !== "ready") {
    const message = `“${media.filename}” is not ready yet (${media.status}). Wait until its upload is checked, or choose another file.`;
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { [opts.field]: [message] } });
  }
  return media;
}

const EXTENSIONS: Record<string, string> = {
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/m4a": "m4a",
  "audio/aac": "aac",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/ogg": "ogg",
  "audio/opus": "opus",
  "audio/flac": "flac",
  "audio/webm": "webm",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
};

/** ".mp3" for audio/mpeg: podcast directories and validators expect enclosure and artwork URLs to end in one. */
export function fileExtensionFor(contentType: string) {
  const extension = ownValue(EXTENSIONS, contentType.split(";")[0].trim().toLowerCase());
  return extension ? `.${extension}` : "";
}

/** Ready files of one kind in this workspace, newest first: the choices for a show's artwork or an episode's audio. */
export async function listMediaChoices(opts: { db: DbOrTx; workspaceId: string; kind: MediaKind; limit: number }) {
  return opts.db
    .select({
      id: mediaObjects.id,
      filename: mediaObjects.filename,
      contentType: mediaObjects.contentType,
      size: mediaObjects.size,
      durationSeconds: mediaObjects.durationSeconds,
      widthPx: mediaObjects.widthPx,
      heightPx: mediaObjects.heightPx,
      createdAt: mediaObjects.createdAt,
    })
    .from(mediaObjects)
    .where(
      and(
        eq(mediaObjects.workspaceId, opts.workspaceId),
        eq(mediaObjects.kind, opts.kind),
        eq(mediaObjects.status, "ready"),
      ),
    )
    .orderBy(desc(mediaObjects.createdAt), desc(mediaObjects.id))
    .limit(opts.limit);
}
