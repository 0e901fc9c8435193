/**
 * Social access tokens at rest: AES-256-GCM through Web Crypto (workerd and Node alike), stored as
 * `<keyVersion>.<base64url iv>.<base64url ciphertext+tag>`. SOCIAL_TOKEN_KEYS lists keys newest first
 * ("v2:<base64 32 bytes>,v1:<base64 32 bytes>"): the first encrypts, every listed one decrypts, so rotating is
 * adding a new key in front; tokens move to it as they are refreshed (see usesCurrentKey).
 */
import { fromBase64Url, toBase64Url } from "../../lib/base64url";

interface TokenKey {
  version: string;
  key: CryptoKey;
}

const IV_BYTES = 12;
const KEY_BYTES = 32;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class TokenKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenKeyError";
  }
}

/** Stored values are base64url; keys are configured in either alphabet (`openssl rand -base64 32` writes + and /). */
function base64ToBytes(value: string): Uint8Array<ArrayBuffer> {
  const bytes = fromBase64Url(value.replace(/\+/g, "-").replace(/\//g, "_"));
  if (!bytes) throw new TokenKeyError("Not base64");
  return bytes;
}

/** Parsed and imported keys per SOCIAL_TOKEN_KEYS value: importing is async and the value rarely changes. */
const keyCache = new Map<string, Promise<TokenKey[]>>();

async function importKeys(keys: string): Promise<TokenKey[]> {
  const entries = keys
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new TokenKeyError('SOCIAL_TOKEN_KEYS is empty; expected "v1:<base64 of 32 bytes>"');
  const seen = new Set<string>();
  const parsed: TokenKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(":");
    const version = separator > 0 ? entry.slice(0, separator) : "";
    // Entries are reported by position, never by content: the content is the secret.
    if (!/^[A-Za-z0-9_-]+$/.test(version)) {
      throw new TokenKeyError(
        `SOCIAL_TOKEN_KEYS entry ${index + 1} is malformed; expected "<version>:<base64 of 32 bytes>"`,
      );
    }
    if (seen.has(version)) throw new TokenKeyError(`SOCIAL_TOKEN_KEYS lists version ${version} twice`);
    seen.add(version);
    let raw: Uint8Array<ArrayBuffer>;
    try {
      raw = base64ToBytes(entry.slice(separator + 1).trim());
    } catch {
      throw new TokenKeyError(`SOCIAL_TOKEN_KEYS key ${version} is not valid base64`);
    }
    if (raw.length !== KEY_BYTES) {
      throw new TokenKeyError(
        `SOCIAL_TOKEN_KEYS key ${version} is ${raw.length} bytes; AES-256 needs exactly ${KEY_BYTES}`,
      );
    }
    const key = await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    parsed.push({ version, key });
  }
  return parsed;
}

function keysFrom(keys: string | undefined): Promise<TokenKey[]> {
  if (!keys) return Promise.reject(new TokenKeyError("SOCIAL_TOKEN_KEYS is not set"));
  let cached = keyCache.get(keys);
  if (!cached) {
    cached = importKeys(keys);
    // A malformed value is not cached, so fixing the configuration takes effect without a restart.
    cached.catch(() => keyCache.delete(keys));
    keyCache.set(keys, cached);
  }
  return cached;
}

/** Encrypts with the newest key. The version is bound as associated data, so relabelling a value breaks it. */
export async function encryptToken(keys: string, plaintext: string): Promise<string> {
  const [current] = await keysFrom(keys);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(current.version) },
    current.key,
    encoder.encode(plaintext),
  );
  return `${current.version}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

function splitStored(stored: string): { version: string; iv: string; data: string } {
  const parts = stored.split(".");
  if (parts.length !== 3 || parts.some((part) => part.length === 0)) {
    throw new TokenKeyError("Stored token is not in the <version>.<iv>.<data> format");
  }
  const [version, iv, data] = parts;
  return { version, iv, data };
}

export async function decryptToken(keys: string, stored: string): Promise<string> {
  const { version, iv, data } = splitStored(stored);
  const key = (await keysFrom(keys)).find((candidate) => candidate.version === version);
  if (!key) throw new TokenKeyError(`Stored token uses key version ${version}, which SOCIAL_TOKEN_KEYS does not list`);
  try {
    const opened = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64ToBytes(iv), additionalData: encoder.encode(version) },
      key.key,
      base64ToBytes(data),
    );
    return decoder.decode(opened);
  } catch {
    throw new TokenKeyError(`Stored token could not be decrypted with key ${version} (wrong key or altered value)`);
  }
}

/** The version label new values are sealed with (the first key of SOCIAL_TOKEN_KEYS). */
export async function currentKeyVersion(keys: string): Promise<string> {
  return (await keysFrom(keys))[0].version;
}

/** Whether `stored` was encrypted with the newest key; older values are re-encrypted when next written. */
export async function usesCurrentKey(keys: string, stored: string): Promise<boolean> {
  const [current] = await keysFrom(keys);
  return splitStored(stored).version === current.version;
}
