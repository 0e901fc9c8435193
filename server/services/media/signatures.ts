import type { Signature } from "./rules";

/** Bytes read from the start of a stored file to identify it; every signature below fits. */
export const SIGNATURE_BYTES = 16;

const ascii = (bytes: Uint8Array, offset: number, text: string) =>
  bytes.length >= offset + text.length && [...text].every((char, i) => bytes[offset + i] === char.charCodeAt(0));

const startsWith = (bytes: Uint8Array, prefix: number[]) =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);

/** MP3 begins with an ID3v2 tag, or directly with an MPEG audio frame (11 sync bits, layer not "reserved"). */
const isMp3 = (b: Uint8Array) =>
  ascii(b, 0, "ID3") || (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0);

/** Older QuickTime files start with a top-level atom other than ftyp. */
const QUICKTIME_ATOMS = ["ftyp", "moov", "mdat", "wide", "free", "skip"];

const CHECKS: Record<Signature, (bytes: Uint8Array) => boolean> = {
  mp3: isMp3,
  wav: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE"),
  ogg: (b) => ascii(b, 0, "OggS"),
  flac: (b) => ascii(b, 0, "fLaC"),
  webm: (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]),
  mp4: (b) => ascii(b, 4, "ftyp"),
  quicktime: (b) => QUICKTIME_ATOMS.some((atom) => ascii(b, 4, atom)),
  jpeg: (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  png: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  webp: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP"),
};

/** Whether the file's first bytes are those of the format it was declared as. */
export const matchesSignature = (signature: Signature, firstBytes: Uint8Array) => CHECKS[signature](firstBytes);
