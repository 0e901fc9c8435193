import type { MediaKind } from "../../../db/schema/media";
import { ownValue } from "../../lib/records";

/**
 * What may be uploaded and how it is cut into requests. Pure: the browser's uploader imports this module too,
 * so client and server plan the same parts.
 */

const MiB = 1024 * 1024;

/** Every request but the last carries exactly this many bytes: R2 needs >= 5 MiB parts, Workers cap bodies at 100 MB. */
export const PART_SIZE = 8 * MiB;
/** R2's limit on parts per multipart upload. */
export const MAX_PARTS = 10_000;
export const MAX_UPLOAD_BYTES = 2 * 1024 * MiB;
/** Signed upload links last a day, so an upload interrupted overnight can still be resumed with a fresh one. */
export const UPLOAD_TOKEN_TTL_SECONDS = 24 * 60 * 60;

export type Signature = "mp3" | "wav" | "ogg" | "flac" | "webm" | "mp4" | "quicktime" | "jpeg" | "png" | "webp";

interface AllowedType {
  kind: MediaKind;
  label: string;
  signature: Signature;
}

export const ALLOWED_TYPES = {
  "audio/mpeg": { kind: "audio", label: "MP3 audio", signature: "mp3" },
  "audio/mp4": { kind: "audio", label: "M4A audio", signature: "mp4" },
  "audio/x-m4a": { kind: "audio", label: "M4A audio", signature: "mp4" },
  "audio/wav": { kind: "audio", label: "WAV audio", signature: "wav" },
  "audio/x-wav": { kind: "audio", label: "WAV audio", signature: "wav" },
  "audio/wave": { kind: "audio", label: "WAV audio", signature: "wav" },
  "audio/ogg": { kind: "audio", label: "Ogg audio", signature: "ogg" },
  "audio/webm": { kind: "audio", label: "WebM audio", signature: "webm" },
  "audio/flac": { kind: "audio", label: "FLAC audio", signature: "flac" },
  "video/mp4": { kind: "video", label: "MP4 video", signature: "mp4" },
  "video/webm": { kind: "video", label: "WebM video", signature: "webm" },
  "video/quicktime": { kind: "video", label: "QuickTime video", signature: "quicktime" },
  "image/jpeg": { kind: "image", label: "JPEG image", signature: "jpeg" },
  "image/png": { kind: "image", label: "PNG image", signature: "png" },
  "image/webp": { kind: "image", label: "WebP image", signature: "webp" },
} as const satisfies Record<string, AllowedType>;

export type AllowedContentType = keyof typeof ALLOWED_TYPES;

export const ACCEPTED_FORMATS_SENTENCE =
  "MP3, M4A, WAV, Ogg, FLAC or WebM audio; MP4, WebM or QuickTime video; JPEG, PNG or WebP images";

/** Names browsers and recorders use for the same formats. */
const ALIASES: Record<string, AllowedContentType> = {
  "audio/mp3": "audio/mpeg",
  "audio/x-mp3": "audio/mpeg",
  "audio/x-mpeg": "audio/mpeg",
  "audio/vnd.wave": "audio/wav",
  "audio/x-flac": "audio/flac",
  "audio/opus": "audio/ogg",
  "image/jpg": "image/jpeg",
};

const EXTENSIONS: Record<string, AllowedContentType> = {
  mp3: "audio/mpeg",
  m4a: "audio/x-m4a",
  wav: "audio/wav",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  weba: "audio/webm",
  flac: "audio/flac",
  mp4: "video/mp4",
  m4v: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

/** `accept` for file inputs: the types plus extensions, since some systems report no type for audio files. */
export const ACCEPT_ATTRIBUTE = [
  ...Object.keys(ALLOWED_TYPES),
  ...Object.keys(EXTENSIONS).map((ext) => `.${ext}`),
].join(",");

export const isAllowedContentType = (value: string): value is AllowedContentType => Object.hasOwn(ALLOWED_TYPES, value);

/** "audio/webm;codecs=opus" -> "audio/webm"; known aliases mapped; null when not an allowed type. */
export function normaliseContentType(value: string): AllowedContentType | null {
  const bare = value.split(";")[0].trim().toLowerCase();
  if (isAllowedContentType(bare)) return bare;
  return ownValue(ALIASES, bare) ?? null;
}

/** The type to declare for a chosen file: what the browser reports if allowed, else what its extension says. */
export function contentTypeForFile(filename: string, reportedType: string): AllowedContentType | null {
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  return normaliseContentType(reportedType) ?? (extension ? (ownValue(EXTENSIONS, extension) ?? null) : null);
}

export interface UploadPlan {
  partSize: number;
  partCount: number;
  /** Files of one part go up in one plain PUT; larger ones as an R2 multipart upload. */
  multipart: boolean;
}

export function planUpload(size: number, partSize = PART_SIZE): UploadPlan {
  const partCount = Math.max(1, Math.ceil(size / partSize));
  return { partSize, partCount, multipart: partCount > 1 };
}

/** Bytes in part `partNumber` (1-based): `partSize` for all but the last, which carries the rest. */
export function partLength(size: number, partSize: number, partNumber: number): number {
  return Math.min(partSize, size - (partNumber - 1) * partSize);
}

/** Byte range [start, end) of a part within the file. */
export function partRange(size: number, partSize: number, partNumber: number): { start: number; end: number } {
  const start = (partNumber - 1) * partSize;
  return { start, end: start + partLength(size, partSize, partNumber) };
}

const UNITS = ["bytes", "KB", "MB", "GB", "TB"];

/** 1024-based, one decimal from MB up: "812 KB", "12.4 MB", "2 GB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const rounded = unit >= 2 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} ${UNITS[unit]}`;
}
