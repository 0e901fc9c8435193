/**
 * The text inside a ticket's QR code, and its offline verification (ADR 031). Pure WebCrypto, so the Worker, the
 * steward's browser and the tests run the same code:
 *
 *   GRT1.<ticket id>.<secret version>.<Ed25519 signature, base64url>
 *
 * The signature covers the workspace, the event, the ticket and its secret version. A steward's device holds only
 * the workspace's public key: it can tell a genuine ticket from a forged one without a network, but cannot make
 * one. A transfer or a leak bumps the ticket's `secret_version`, and the device's ticket list says which version
 * is current, so the old code is refused.
 */

import { fromBase64Url, toBase64Url } from "../../lib/base64url";

export const TICKET_CODE_PREFIX = "GRT1";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CODE = /^GRT1\.([0-9a-f-]{36})\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{86})$/;

export interface TicketCodeParts {
  ticketId: string;
  secretVersion: number;
  signature: Uint8Array;
}

/** What is signed: every id the code must not be moved between, so a code is good for one ticket of one event. */
export function ticketCodeMessage(opts: {
  workspaceId: string;
  eventId: string;
  ticketId: string;
  secretVersion: number;
}): Uint8Array {
  return new TextEncoder().encode(
    `greenroom-ticket/1|${opts.workspaceId}|${opts.eventId}|${opts.ticketId}|${opts.secretVersion}`,
  );
}

export function formatTicketCode(parts: TicketCodeParts): string {
  return `${TICKET_CODE_PREFIX}.${parts.ticketId}.${parts.secretVersion}.${toBase64Url(parts.signature)}`;
}

/** Null for anything that is not a well-formed ticket code (another QR code, a truncated scan). */
export function parseTicketCode(text: string): TicketCodeParts | null {
  const match = CODE.exec(text.trim());
  if (!match || !UUID.test(match[1])) return null;
  const signature = fromBase64Url(match[3]);
  if (signature?.length !== 64) return null;
  return { ticketId: match[1], secretVersion: Number(match[2]), signature };
}

/** The workspace's ticket-verifying key from its raw public key (base64url, 32 bytes). */
export function importTicketPublicKey(publicKey: string): Promise<CryptoKey> {
  const raw = fromBase64Url(publicKey);
  if (!raw) return Promise.reject(new Error("A ticket public key is base64url."));
  return crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
}

/** The code's ticket and version if its signature is this workspace's for this event; null otherwise. */
export async function verifyTicketCode(opts: {
  publicKey: CryptoKey;
  workspaceId: string;
  eventId: string;
  code: string;
}): Promise<{ ticketId: string; secretVersion: number } | null> {
  const parts = parseTicketCode(opts.code);
  if (!parts) return null;
  const message = ticketCodeMessage({ workspaceId: opts.workspaceId, eventId: opts.eventId, ...parts });
  const valid = await crypto.subtle.verify(
    { name: "Ed25519" },
    opts.publicKey,
    bufferOf(parts.signature),
    bufferOf(message),
  );
  return valid ? { ticketId: parts.ticketId, secretVersion: parts.secretVersion } : null;
}

/** An ArrayBuffer of exactly these bytes (WebCrypto's typings refuse views over a shared buffer). */
export function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}
