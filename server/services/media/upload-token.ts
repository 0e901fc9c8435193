import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../../lib/crypto";

/** What an upload token allows: bytes for exactly this object, of this size and type, in this workspace. */
export interface UploadGrant {
  mediaId: string;
  workspaceId: string;
  r2Key: string;
  size: number;
  contentType: string;
}

const VERSION = "greenroom-upload-v1";
const MIN_SECRET_LENGTH = 16;

function signature(secret: string, grant: UploadGrant, expiresAtSeconds: number) {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `UPLOAD_SIGNING_SECRET must be set to at least ${MIN_SECRET_LENGTH} characters (see README "Configuration").`,
    );
  }
  const message = [
    VERSION,
    grant.mediaId,
    grant.workspaceId,
    grant.r2Key,
    String(grant.size),
    grant.contentType,
    String(expiresAtSeconds),
  ].join("\n");
  return createHmac("sha256", secret).update(message).digest("base64url");
}

/**
 * `<workspaceId>.<expiry, unix seconds>.<HMAC-SHA256>`. The workspace and expiry travel in clear so the
 * server can find the row within the tenant and say "expired" rather than "invalid"; the HMAC covers them
 * and every other field of the grant, so changing any of them invalidates the token.
 */
export function signUploadToken(opts: { secret: string; grant: UploadGrant; expiresAt: Date }): string {
  const expiresAtSeconds = Math.floor(opts.expiresAt.getTime() / 1000);
  return `${opts.grant.workspaceId}.${expiresAtSeconds}.${signature(opts.secret, opts.grant, expiresAtSeconds)}`;
}

/** The workspace a token claims, for looking up its row; null when the token is not shaped like one of ours. */
export function parseUploadToken(token: string): { workspaceId: string; expiresAtSeconds: number } | null {
  const match = /^([0-9a-f-]{36})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
  return match ? { workspaceId: match[1], expiresAtSeconds: Number(match[2]) } : null;
}

export type UploadTokenCheck = "valid" | "invalid" | "expired";

/** The signature is checked before the expiry, so a token with an edited expiry is "invalid", never "valid". */
export function checkUploadToken(opts: {
  secret: string;
  token: string;
  grant: UploadGrant;
  now: Date;
}): UploadTokenCheck {
  const parsed = parseUploadToken(opts.token);
  if (!parsed || parsed.workspaceId !== opts.grant.workspaceId) return "invalid";
  const expected = `${parsed.workspaceId}.${parsed.expiresAtSeconds}.${signature(opts.secret, opts.grant, parsed.expiresAtSeconds)}`;
  if (!constantTimeEqual(opts.token, expected)) return "invalid";
  return parsed.expiresAtSeconds * 1000 <= opts.now.getTime() ? "expired" : "valid";
}
