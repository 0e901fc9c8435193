/**
 * Splitting audio that is larger than a provider accepts, without decoding it: WAV on sample-frame boundaries
 * (each piece gets its own header), MPEG audio (MP3) on frame boundaries. Every piece knows where it starts in
 * the original, so the providers' segment times can be stitched back. Pure functions over byte arrays; the
 * caller reads the object in ranges so a long recording never sits in memory whole.
 */

/** The file cannot be split or read as the format it claims; retrying will not help. */
export class AudioFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AudioFormatError";
  }
}

export type AudioFormat = "wav" | "mp3" | "other";

export const SPLITTABLE_FORMATS_LABEL = "WAV and MP3";

const ascii = (bytes: Uint8Array, offset: number, length: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + length));

/** Decided by the file's first bytes, not its declared type. */
export function sniffAudioFormat(head: Uint8Array): AudioFormat {
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WAVE") return "wav";
  if (head.length >= 3 && ascii(head, 0, 3) === "ID3") return "mp3";
  const first = parseMpegFrameHeader(head, 0);
  if (first && parseMpegFrameHeader(head, first.length)) return "mp3";
  return "other";
}

// ---------------------------------------------------------------------------------------------------------------
// WAV

export interface WavLayout {
  /** The whole "fmt " chunk (id, size, body), copied into every piece's header. */
  fmtChunk: Uint8Array;
  blockAlign: number;
  byteRate: number;
  dataOffset: number;
  dataLength: number;
}

export type RangeReader = (offset: number, length: number) => Promise<Uint8Array<ArrayBuffer>>;

const u32 = (bytes: Uint8Array, offset: number) =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);
const u16 = (bytes: Uint8Array, offset: number) =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(offset, true);

/**
 * Walks the RIFF chunks with small ranged reads until the data chunk (metadata chunks before it are skipped, not
 * read). A data size of 0 or past the end (written by a recorder that never finalised the file) means "to the end".
 */
export async function readWavLayout(read: RangeReader, totalSize: number): Promise<WavLayout> {
  let fmtChunk: Uint8Array | null = null;
  let position = 12;
  for (let guard = 0; guard < 256 && position + 8 <= totalSize; guard++) {
    const header = await read(position, 8);
    if (header.length < 8) break;
    const id = ascii(header, 0, 4);
    const size = u32(header, 4);
    if (id === "fmt ") {
      if (size < 16) throw new AudioFormatError("The WAV file's format chunk is damaged.");
      fmtChunk = await read(position, 8 + size);
    } else if (id === "data") {
      if (!fmtChunk) throw new AudioFormatError("The WAV file has its audio data before its format chunk.");
      const body = fmtChunk.subarray(8);
      const byteRate = u32(body, 8);
      const blockAlign = u16(body, 12);
      if (!byteRate || !blockAlign)
        throw new AudioFormatError("The WAV file's format chunk has no byte rate or block size.");
      const dataOffset = position + 8;
      const available = totalSize - dataOffset;
      const dataLength = size === 0 || size > available ? available : size;
      return { fmtChunk, blockAlign, byteRate, dataOffset, dataLength: dataLength - (dataLength % blockAlign) };
    }
    position += 8 + size + (size % 2);
  }
  throw new AudioFormatError("The WAV file has no audio data chunk.");
}

const fmtPadded = (layout: WavLayout) => layout.fmtChunk.length + (layout.fmtChunk.length % 2);
/** RIFF header + fmt chunk + data chunk header. */
export const wavHeaderLength = (layout: WavLayout) => 12 + fmtPadded(layout) + 8;

export interface WavPiece {
  /** Byte range of the original file's PCM data this piece carries. */
  offset: number;
  length: number;
  /** Exact (fractional) milliseconds; rounded once, when segment times are stitched. */
  startMs: number;
  durationMs: number;
}

/** Cuts the data chunk into pieces whose complete WAV file (header included) fits in `maxBytes`. */
export function planWavPieces(layout: WavLayout, maxBytes: number): WavPiece[] {
  const perPiece = Math.floor((maxBytes - wavHeaderLength(layout) - 1) / layout.blockAlign) * layout.blockAlign;
  if (perPiece <= 0) throw new AudioFormatError(`A ${maxBytes}-byte limit is too small for even one WAV sample frame.`);
  const ms = (bytes: number) => (bytes / layout.byteRate) * 1000;
  const pieces: WavPiece[] = [];
  for (let done = 0; done < layout.dataLength; done += perPiece) {
    const length = Math.min(perPiece, layout.dataLength - done);
    pieces.push({ offset: layout.dataOffset + done, length, startMs: ms(done), durationMs: ms(length) });
  }
  return pieces;
}

/** A standalone WAV file: the original's format chunk, then this piece's samples (plus RIFF's pad byte if odd). */
export function buildWavPiece(layout: WavLayout, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const headerLength = wavHeaderLength(layout);
  const pad = data.length % 2;
  const out = new Uint8Array(headerLength + data.length + pad);
  const view = new DataView(out.buffer);
  out.set([0x52, 0x49, 0x46, 0x46], 0); // "RIFF"
  view.setUint32(4, out.length - 8, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8); // "WAVE"
  out.set(layout.fmtChunk, 12);
  const dataHeader = 12 + fmtPadded(layout);
  out.set([0x64, 0x61, 0x74, 0x61], dataHeader); // "data"
  view.setUint32(dataHeader + 4, data.length, true);
  out.set(data, headerLength);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// MPEG audio (MP3)

/** Size of a leading ID3v2 tag (header, body and optional footer), or 0. */
export function id3v2Length(head: Uint8Array): number {
  if (head.length < 10 || ascii(head, 0, 3) !== "ID3") return 0;
  const size = ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f);
  const footer = head[5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

// Bitrates in kbit/s by [MPEG-1 | MPEG-2/2.5][layer I, II, III], for bitrate indexes 1-14.
const BITRATES = {
  v1: [
    [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

export interface MpegFrame {
  length: number;
  samples: number;
  sampleRate: number;
}

/** The frame starting at `offset`, or null if no valid MPEG audio frame header is there. */
export function parseMpegFrameHeader(bytes: Uint8Array, offset: number): MpegFrame | null {
  if (offset + 4 > bytes.length) return null;
  const [b0, b1, b2] = [bytes[offset], bytes[offset + 1], bytes[offset + 2]];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 3; // 0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1
  const layerBits = (b1 >> 1) & 3; // 1: III, 2: II, 3: I
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const layer = 4 - layerBits;
  const kbps = BITRATES[version === 3 ? "v1" : "v2"][layer - 1][bitrateIndex - 1];
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (b2 >> 1) & 1;
  if (layer === 1)
    return { length: (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4, samples: 384, sampleRate };
  const samples = layer === 3 && version !== 3 ? 576 : 1152;
  return { length: Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding, samples, sampleRate };
}

/** A frame header at `offset` that is followed by another one (or the end of the window): not a false sync. */
function frameAt(bytes: Uint8Array, offset: number): MpegFrame | null {
  const frame = parseMpegFrameHeader(bytes, offset);
  if (!frame) return null;
  const next = offset + frame.length;
  return next + 4 > bytes.length || parseMpegFrameHeader(bytes, next) ? frame : null;
}

/**
 * How much of `window` (bytes starting on a frame boundary, or at leading junk) forms whole frames, and how long
 * they play. Without `final`, the cut is after the last frame that ends inside the window; with it, the rest of
 * the file (a trailing ID3v1 tag, junk) rides along, and a final window of junk alone has no audio to send.
 * Junk between frames is skipped over, not dropped.
 */
export function cutMpegWindow(
  window: Uint8Array,
  final: boolean,
): { length: number; durationMs: number; hasAudio: boolean } {
  let position = 0;
  let lastFrameEnd = 0;
  let seconds = 0;
  let inSync = false;
  while (position + 4 <= window.length) {
    // Right after a frame one header is enough; after junk a sync must be confirmed by the frame that follows.
    const frame: MpegFrame | null = inSync ? parseMpegFrameHeader(window, position) : frameAt(window, position);
    inSync = frame !== null;
    if (!frame) {
      position++;
      continue;
    }
    if (position + frame.length > window.length) break;
    seconds += frame.samples / frame.sampleRate;
    position += frame.length;
    lastFrameEnd = position;
  }
  if (lastFrameEnd === 0 && !final)
    throw new AudioFormatError("No MPEG audio frames were found where the MP3 audio should be.");
  return { length: final ? window.length : lastFrameEnd, durationMs: seconds * 1000, hasAudio: lastFrameEnd > 0 };
}
