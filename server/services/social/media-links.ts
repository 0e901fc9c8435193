import { createHmac } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { mediaObjects } from "../../../db/schema";
import { constantTimeEqual } from "../../lib/crypto";

/**
 * Instagram downloads a post's image_url / video_url itself, without our session, while it processes the
 * container. These links give it exactly one library file, for a limited time, and cannot be guessed or edited:
 * `<media id>.<expiry, unix seconds>.<HMAC-SHA256 over purpose, id, R2 key and expiry>`. The purpose string differs
 * from upload tokens', so neither kind of token is ever accepted as the other.
 */
const PURPOSE = "greenroom-social-media-v1";
/** As long as a container lives: Instagram may fetch the file any time before it processes the container. */
const SOCIAL_MEDIA_LINK_TTL_SECONDS = 24 * 60 * 60;

function signature(secret: string, mediaId: string, r2Key: string, expiresAtSeconds: number) {
  if (secret.length < 16)
    throw new Error('UPLOAD_SIGNING_SECRET must be set to at least 16 characters (see README "Configuration").');
  return createHmac("sha256", secret)
    .update([PURPOSE, mediaId, r2Key, String(expiresAtSeconds)].join("\n"))
    .digest("base64url");
}

export function socialMediaLink(opts: {
  appUrl: string;
  secret: string;
  media: { id: string; r2Key: string };
  now: Date;
}): string {
  const expiresAtSeconds = Math.floor(opts.now.getTime() / 1000) + SOCIAL_MEDIA_LINK_TTL_SECONDS;
  const token = `${opts.media.id}.${expiresAtSeconds}.${signature(opts.secret, opts.media.id, opts.media.r2Key, expiresAtSeconds)}`;
  return `${opts.appUrl.replace(/\/$/, "")}/api/social/media/${token}`;
}

/** The ready library file a link grants, or null when the token is malformed, forged, edited or expired. */
export async function resolveSocialMediaLink(opts: { db: DbOrTx; secret: string; token: string; now: Date }) {
  // A strict UUID: anything else would reach Postgres as an invalid uuid and fail the request instead of a 404.
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([\w-]{43})$/.exec(
    opts.token,
  );
  if (!match) return null;
  const [, mediaId, expiry] = match;
  const [media] = await opts.db
    .select({ r2Key: mediaObjects.r2Key, contentType: mediaObjects.contentType, size: mediaObjects.size })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.id, mediaId), eq(mediaObjects.status, "ready")));
  if (!media || media.size === null) return null;
  const expected = `${mediaId}.${expiry}.${signature(opts.secret, mediaId, media.r2Key, Number(expiry))}`;
  if (!constantTimeEqual(opts.token, expected)) return null;
  if (Number(expiry) * 1000 <= opts.now.getTime()) return null;
  return { r2Key: media.r2Key, contentType: media.contentType, size: media.size };
}
