import { fromBase64Url } from "../../lib/base64url";
import { bufferOf, formatTicketCode, ticketCodeMessage } from "./ticket-code";

/**
 * Each workspace's ticket-signing key pair (Ed25519, ADR 031), derived, never stored: the 32-byte private seed is
 * HMAC-SHA-256 of the workspace id under `UPLOAD_SIGNING_SECRET` with a label of its own (as the private feeds'
 * key is), so the database holds nothing that signs, and no other use of the secret yields this key. Changing
 * `KEY_GENERATION` (or the secret) replaces every workspace's key pair; a single ticket is re-keyed by bumping its
 * `secret_version`.
 */
const KEY_GENERATION = 1;
const MIN_SECRET_LENGTH = 16;
/** DER header of a PKCS #8 Ed25519 private key, followed by the 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

export interface TicketKeyPair {
  privateKey: CryptoKey;
  /** Raw public key, base64url: what the steward's device stores to verify offline. */
  publicKey: string;
}

const cache = new Map<string, Promise<TicketKeyPair>>();

export function ticketKeyPair(secret: string, workspaceId: string): Promise<TicketKeyPair> {
  if (!secret || secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `UPLOAD_SIGNING_SECRET must be set to at least ${MIN_SECRET_LENGTH} characters (see README "Configuration").`,
    );
  }
  const cacheKey = `${secret}\u0000${workspaceId}`;
  let pair = cache.get(cacheKey);
  if (!pair) {
    pair = derive(secret, workspaceId);
    cache.set(cacheKey, pair);
    pair.catch(() => cache.delete(cacheKey));
  }
  return pair;
}

async function derive(secret: string, workspaceId: string): Promise<TicketKeyPair> {
  const encoder = new TextEncoder();
  const hmacKey = await crypto.subtle.importKey(
    "raw",
    bufferOf(encoder.encode(secret)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const seed = new Uint8Array(
    await crypto.subtle.sign(
      "HMAC",
      hmacKey,
      bufferOf(encoder.encode(`greenroom/ticket-signing-key/${KEY_GENERATION}/${workspaceId}`)),
    ),
  );
  const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
  pkcs8.set(PKCS8_ED25519_PREFIX);
  pkcs8.set(seed, PKCS8_ED25519_PREFIX.length);
  // Extractable only so the public half can be read from its JWK (`x`); the key object never leaves this module.
  const privateKey = await crypto.subtle.importKey("pkcs8", bufferOf(pkcs8), { name: "Ed25519" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  if (!jwk.x || fromBase64Url(jwk.x)?.length !== 32) throw new Error("Ed25519 key derivation gave no public key.");
  return { privateKey, publicKey: jwk.x };
}

/** The QR code text of one ticket at its current secret version. */
export async function signTicketCode(opts: {
  secret: string;
  workspaceId: string;
  eventId: string;
  ticketId: string;
  secretVersion: number;
}): Promise<string> {
  const { privateKey } = await ticketKeyPair(opts.secret, opts.workspaceId);
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: "Ed25519" }, privateKey, bufferOf(ticketCodeMessage(opts))),
  );
  return formatTicketCode({ ticketId: opts.ticketId, secretVersion: opts.secretVersion, signature });
}
