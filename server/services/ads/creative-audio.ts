import { and, asc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { campaignCreatives, mediaObjects, type CreativeAudioEncoding } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { ownValue } from "../../lib/records";
import { ALLOWED_TYPES } from "../media/rules";
import { Mp3Error, scanMp3Stream } from "./mp3";

const fieldError = (message: string) => new AppError("BAD_REQUEST", message, { fieldErrors: { mediaId: [message] } });

/** What the creator calls the format, from the type the upload check confirmed against the file's magic bytes. */
function formatName(contentType: string) {
  if (contentType === "audio/mp4" || contentType === "audio/x-m4a") return "AAC (M4A)";
  const label = ownValue<{ label: string }>(ALLOWED_TYPES, contentType)?.label;
  return label ? label.replace(/ audio$/, "") : contentType;
}

/**
 * A pre-recorded ad's audio, checked when the creative is saved rather than when it is booked (#14 item 6): only
 * an MP3 the edge can join frame by frame is accepted, and its encoding is returned to be kept on the creative, so
 * a later sample-rate or channel mismatch with an episode reads as a fact the creator can already see. The whole
 * file is walked (ads are seconds long), so a file that changes encoding midway is refused here too.
 */
export async function readCreativeAudio(opts: {
  bucket: R2Bucket;
  media: { r2Key: string; contentType: string; filename: string };
}): Promise<CreativeAudioEncoding> {
  if (opts.media.contentType !== "audio/mpeg")
    throw fieldError(`This ad is ${formatName(opts.media.contentType)}; only MP3 ads can be inserted into episodes.`);
  const object = await opts.bucket.get(opts.media.r2Key);
  if (!object) throw fieldError(`“${opts.media.filename}” is missing from storage. Upload it again.`);
  try {
    const layout = await scanMp3Stream(object.body);
    return {
      sampleRate: layout.encoding.sampleRate,
      channels: layout.encoding.channels,
      bitrateMode: layout.bitrateMode,
      kbps: layout.kbps,
    };
  } catch (error) {
    if (error instanceof Mp3Error)
      throw new AppError("BAD_REQUEST", `This ad cannot be inserted into episodes: ${error.message}`, {
        fieldErrors: { mediaId: [error.message] },
        cause: error,
      });
    throw error;
  }
}

/**
 * Creatives saved before their encoding was kept (migration 0029) show none and would only meet a mismatch at
 * booking. The hourly cron reads their files once and stores what it finds; the row is written only while it still
 * has no encoding and the same file (an edit in between wins). A file that is not a joinable MP3 is logged and left
 * without one: booking refuses it in the creator's words, and saving the creative again shows why. Only such files
 * are read again on later runs, at most `limit` a run.
 */
export async function backfillCreativeEncodings(opts: { db: DbOrTx; bucket: R2Bucket; limit?: number }) {
  const missing = await opts.db
    .select({
      id: campaignCreatives.id,
      workspaceId: campaignCreatives.workspaceId,
      mediaId: mediaObjects.id,
      r2Key: mediaObjects.r2Key,
      contentType: mediaObjects.contentType,
      filename: mediaObjects.filename,
    })
    .from(campaignCreatives)
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, campaignCreatives.mediaId), eq(mediaObjects.workspaceId, campaignCreatives.workspaceId)),
    )
    .where(
      and(
        eq(campaignCreatives.kind, "audio"),
        isNull(campaignCreatives.audioEncoding),
        eq(mediaObjects.status, "ready"),
      ),
    )
    .orderBy(asc(campaignCreatives.id))
    .limit(opts.limit ?? 100);
  let filled = 0;
  let refused = 0;
  for (const creative of missing) {
    let audioEncoding: CreativeAudioEncoding;
    try {
      audioEncoding = await readCreativeAudio({ bucket: opts.bucket, media: creative });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refused++;
      console.warn(
        JSON.stringify({ event: "ads.creative_audio_refused", creativeId: creative.id, reason: error.message }),
      );
      continue;
    }
    const updated = await opts.db
      .update(campaignCreatives)
      .set({ audioEncoding })
      .where(
        and(
          eq(campaignCreatives.id, creative.id),
          eq(campaignCreatives.workspaceId, creative.workspaceId),
          eq(campaignCreatives.mediaId, creative.mediaId),
          isNull(campaignCreatives.audioEncoding),
        ),
      )
      .returning({ id: campaignCreatives.id });
    filled += updated.length;
  }
  return { filled, refused };
}
