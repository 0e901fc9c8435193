/**
 * Private feed addresses (ADR 028). A token is `supporterId ‖ showId ‖ MAC` (16 + 16 + 16 bytes, base64url, 64
 * characters), where MAC is the first 128 bits of HMAC-SHA-256 under a key derived from the Worker's secret over
 * the supporter, the show and the feed's generation. Nothing secret is stored: the database holds only the
 * generation, so a copy of the database cannot mint addresses, and a rotation (generation + 1) retires every
 * earlier one at once. The ids in the token are not secrets; the MAC is what cannot be guessed.
 */
import { fromBase64Url, toBase64Url } from "../../lib/base64url";

const encoder = new TextEncoder();
const ID_BYTES = 16;
const MAC_BYTES = 16;
/** Older generations checked when a MAC fails, to answer "replaced" (410) rather than "unknown" (404). */
const MAX_RETIRED_CHECKED = 64;

const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The token key, derived from `UPLOAD_SIGNING_SECRET` with its own label so no other use of that secret can produce
 * a feed MAC. Cached per isolate.
 */
export function privateFeedKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const root = await crypto.subtle.importKey(
        "raw",
        encoder.encode(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      const derived = await crypto.subtle.sign("HMAC", root, encoder.encode("greenroom/private-feed-tokens/v1"));
      return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    })();
    keys.set(secret, key);
  }
  return key;
}

const uuidBytes = (uuid: string) => Uint8Array.from(uuid.replace(/-/g, "").match(/../g)!, (h) => parseInt(h, 16));
const uuidOf = (bytes: Uint8Array) => {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

async function macOf(key: CryptoKey, supporterId: string, showId: string, generation: number) {
  const input = encoder.encode(`${supporterId}\n${showId}\n${generation}`);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, input)).slice(0, MAC_BYTES);
}

export async function privateFeedToken(opts: {
  key: CryptoKey;
  supporterId: string;
  showId: string;
  generation: number;
}): Promise<string> {
  const mac = await macOf(opts.key, opts.supporterId, opts.showId, opts.generation);
  return toBase64Url(new Uint8Array([...uuidBytes(opts.supporterId), ...uuidBytes(opts.showId), ...mac]));
}

export interface ParsedToken {
  supporterId: string;
  showId: string;
  mac: Uint8Array;
}

/** The ids a token names, or null when it is not a token at all (wrong length or alphabet). */
export function parsePrivateFeedToken(token: string): ParsedToken | null {
  if (token.length !== 64) return null;
  const bytes = fromBase64Url(token);
  if (!bytes || bytes.length !== ID_BYTES * 2 + MAC_BYTES) return null;
  return {
    supporterId: uuidOf(bytes.slice(0, ID_BYTES)),
    showId: uuidOf(bytes.slice(ID_BYTES, ID_BYTES * 2)),
    mac: bytes.slice(ID_BYTES * 2),
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
};

/** "current": the live address; "retired": an address from before a rotation (410); "forged": neither (404). */
export async function checkPrivateFeedToken(opts: {
  key: CryptoKey;
  parsed: ParsedToken;
  generation: number;
}): Promise<"current" | "retired" | "forged"> {
  const { key, parsed } = opts;
  if (sameBytes(parsed.mac, await macOf(key, parsed.supporterId, parsed.showId, opts.generation))) return "current";
  const oldest = Math.max(0, opts.generation - MAX_RETIRED_CHECKED);
  for (let generation = opts.generation - 1; generation >= oldest; generation--) {
    if (sameBytes(parsed.mac, await macOf(key, parsed.supporterId, parsed.showId, generation))) return "retired";
  }
  return "forged";
}

/** The address path of a feed and of its episodes' files; the token is the only credential. */
export function privateFeedUrls(appUrl: string, token: string) {
  const base = `${appUrl}/feeds/private/${token}`;
  return {
    feed: base,
    enclosure: (episodeId: string, extension: string) => `${base}/episodes/${episodeId}/audio${extension}`,
    transcript: (episodeId: string, format: "vtt" | "srt") => `${base}/episodes/${episodeId}/transcript.${format}`,
    chapters: (episodeId: string) => `${base}/episodes/${episodeId}/chapters.json`,
  };
}
