/**
 * base64url (RFC 4648 §5, no padding), the encoding of every token, signature and cursor the app hands out
 * (randomToken in ./crypto writes the same alphabet through Node's Buffer). Built on atob/btoa, not node:crypto,
 * so workerd, the browser (the check-in page verifies ticket codes offline) and Node run the same code.
 */

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The bytes of base64url text (trailing `=` padding allowed), or null when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (char) => char.charCodeAt(0));
  } catch {
    // atob refuses a length no encoder writes (one character past a multiple of four).
    return null;
  }
}
