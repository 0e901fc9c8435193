import type { Signature } from "./rules";

/**
 * Reads what directories need from a stored file's own bytes: an audio file's duration (MP3 with Xing/Info or
 * VBRI headers or constant bitrate, MP4/M4A `mvhd`, WAV) and an image's pixel size (JPEG, PNG). Only headers are
 * read, through ranged reads, so a 2 GiB upload costs a few small reads instead of streaming the whole file
 * through the Worker (why not music-metadata: ADR 021).
 */

/** Bytes [offset, offset + length) of the file; fewer at its end. */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

/** Serves reads from one cached window, so walking a header's small fields costs one storage read per window. */
export function windowedReader(read: ReadRange, windowBytes = 64 * 1024): ReadRange {
  let window: { offset: number; bytes: Uint8Array } | null = null;
  return async (offset, length) => {
    const inWindow = window && offset >= window.offset && offset + length <= window.offset + window.bytes.length;
    if (!inWindow) window = { offset, bytes: await read(offset, Math.max(length, windowBytes)) };
    const start = offset - window!.offset;
    return window!.bytes.subarray(start, start + length);
  };
}

const ascii = (bytes: Uint8Array, offset: number, length: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + length));
const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Whole seconds, at least 1 for any audible length; null when the header gives nothing sensible. */
function seconds(value: number): number | null {
  if (!Number.isFinite(value) || value <= 0 || value > 7 * 86_400) return null;
  return Math.max(1, Math.round(value));
}

/** The duration in whole seconds, or null when the format is not one we read or its headers are unusable. */
export async function readAudioDuration(opts: {
  signature: Signature;
  size: number;
  read: ReadRange;
}): Promise<number | null> {
  const read = windowedReader(opts.read);
  try {
    if (opts.signature === "mp3") return await mp3Duration(read, opts.size);
    if (opts.signature === "mp4" || opts.signature === "quicktime") return await mp4Duration(read, opts.size);
    if (opts.signature === "wav") return await wavDuration(read, opts.size);
  } catch (error) {
    // A truncated or odd header is not a reason to refuse a file whose signature matched: it just has no duration.
    if (error instanceof RangeError) return null;
    throw error;
  }
  return null;
}

// ---- MP3 ------------------------------------------------------------------------------------------------------

/** kbit/s by [MPEG-1?][layer 1..3][index]. */
const BITRATES = {
  v1: [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const SAMPLE_RATES = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 0: [11_025, 12_000, 8_000] };

interface FrameHeader {
  mpeg1: boolean;
  layer: 1 | 2 | 3;
  bitrate: number;
  sampleRate: number;
  mono: boolean;
  samplesPerFrame: number;
  frameLength: number;
}

export function parseFrameHeader(b: Uint8Array, at: number): FrameHeader | null {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return null;
  const versionBits = (b[at + 1] >> 3) & 3;
  const layerBits = (b[at + 1] >> 1) & 3;
  const bitrateIndex = b[at + 2] >> 4;
  const rateIndex = (b[at + 2] >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const mpeg1 = versionBits === 3;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const bitrate = (mpeg1 ? BITRATES.v1 : BITRATES.v2)[layer - 1][bitrateIndex] * 1000;
  const sampleRate = SAMPLE_RATES[versionBits as 0 | 2 | 3][rateIndex];
  const padding = (b[at + 2] >> 1) & 1;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  const frameLength =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor((samplesPerFrame / 8) * (bitrate / sampleRate)) + padding;
  return { mpeg1, layer, bitrate, sampleRate, mono: b[at + 3] >> 6 === 3, samplesPerFrame, frameLength };
}

const syncsafe = (b: Uint8Array, at: number) =>
  ((b[at] & 0x7f) << 21) | ((b[at + 1] & 0x7f) << 14) | ((b[at + 2] & 0x7f) << 7) | (b[at + 3] & 0x7f);

/** Where the audio starts: after any ID3v2 tags (some files carry several, one after the other). */
async function skipId3(read: ReadRange, size: number) {
  let offset = 0;
  for (;;) {
    const head = await read(offset, 10);
    if (head.length < 10 || ascii(head, 0, 3) !== "ID3") return offset;
    const footer = (head[5] & 0x10) !== 0 ? 10 : 0;
    offset += 10 + syncsafe(head, 6) + footer;
    if (offset >= size) return size;
  }
}

/** Scan this far for the first frame: encoders and taggers leave padding or junk before it. */
const FRAME_SEARCH_BYTES = 64 * 1024;

async function mp3Duration(read: ReadRange, size: number) {
  const start = await skipId3(read, size);
  const bytes = await read(start, FRAME_SEARCH_BYTES + 4);
  for (let i = 0; i + 4 <= bytes.length; i++) {
    const frame = parseFrameHeader(bytes, i);
    if (!frame) continue;
    // A real frame is followed by another (or is the file's last): random 0xFFEx bytes seldom are.
    const next = await read(start + i + frame.frameLength, 4);
    if (next.length >= 4 && !parseFrameHeader(next, 0)) continue;
    return frameDuration(read, size, start + i, frame);
  }
  return null;
}

async function frameDuration(read: ReadRange, size: number, frameAt: number, frame: FrameHeader) {
  const frameBytes = await read(frameAt, Math.min(frame.frameLength + 4, 2048));
  // Xing/Info sits after the side information, whose length depends on version and channel mode.
  const sideInfo = frame.mpeg1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17;
  const xingAt = 4 + sideInfo;
  const xingTag = ascii(frameBytes, xingAt, 4);
  if ((xingTag === "Xing" || xingTag === "Info") && frameBytes.length >= xingAt + 12) {
    const flags = view(frameBytes).getUint32(xingAt + 4);
    if (flags & 1) {
      const frames = view(frameBytes).getUint32(xingAt + 8);
      return seconds((frames * frame.samplesPerFrame) / frame.sampleRate);
    }
  }
  // Fraunhofer's VBRI header is always 32 bytes after the frame header.
  if (ascii(frameBytes, 36, 4) === "VBRI" && frameBytes.length >= 36 + 18) {
    const frames = view(frameBytes).getUint32(36 + 14);
    return seconds((frames * frame.samplesPerFrame) / frame.sampleRate);
  }
  // No VBR header: constant bitrate, so the audio's length in bytes gives its time (an ID3v1 tag is not audio).
  const tail = size >= 128 ? await read(size - 128, 3) : new Uint8Array();
  const audioBytes = size - frameAt - (ascii(tail, 0, 3) === "TAG" ? 128 : 0);
  return seconds((audioBytes * 8) / frame.bitrate);
}

// ---- MP4 / M4A ------------------------------------------------------------------------------------------------

/** The children of a box spanning [from, to): type, where its body starts, where it ends. */
async function* boxes(read: ReadRange, from: number, to: number) {
  let offset = from;
  while (offset + 8 <= to) {
    const head = await read(offset, 16);
    if (head.length < 8) return;
    let length = view(head).getUint32(0);
    let headerLength = 8;
    if (length === 1) {
      if (head.length < 16) return;
      length = Number(view(head).getBigUint64(8));
      headerLength = 16;
    } else if (length === 0) {
      length = to - offset;
    }
    if (length < headerLength) return;
    yield { type: ascii(head, 4, 4), body: offset + headerLength, end: Math.min(offset + length, to) };
    offset += length;
  }
}

async function mp4Duration(read: ReadRange, size: number) {
  for await (const box of boxes(read, 0, size)) {
    if (box.type !== "moov") continue;
    for await (const child of boxes(read, box.body, box.end)) {
      if (child.type !== "mvhd") continue;
      const mvhd = await read(child.body, 32);
      const v = view(mvhd);
      const [timescale, duration] =
        mvhd[0] === 1 ? [v.getUint32(20), Number(v.getBigUint64(24))] : [v.getUint32(12), v.getUint32(16)];
      return timescale > 0 ? seconds(duration / timescale) : null;
    }
  }
  return null;
}

// ---- WAV ------------------------------------------------------------------------------------------------------

async function wavDuration(read: ReadRange, size: number) {
  let byteRate = 0;
  let offset = 12;
  while (offset + 8 <= size) {
    const head = await read(offset, 8);
    if (head.length < 8) return null;
    const id = ascii(head, 0, 4);
    const length = view(head).getUint32(4, true);
    if (id === "fmt ") byteRate = view(await read(offset + 8, 16)).getUint32(8, true);
    if (id === "data") {
      // Recorders that never went back to fill in the length leave 0 or 0xFFFFFFFF: the data runs to the end.
      const dataBytes = length === 0 || offset + 8 + length > size ? size - offset - 8 : length;
      return byteRate > 0 ? seconds(dataBytes / byteRate) : null;
    }
    offset += 8 + length + (length % 2);
  }
  return null;
}

// ---- Images ---------------------------------------------------------------------------------------------------

/** Pixel width and height of a JPEG or PNG, or null for another format or a header we cannot read. */
export async function readImageSize(opts: {
  signature: Signature;
  size: number;
  read: ReadRange;
}): Promise<{ width: number; height: number } | null> {
  const read = windowedReader(opts.read);
  try {
    if (opts.signature === "png") {
      const head = await read(0, 24);
      if (ascii(head, 12, 4) !== "IHDR") return null;
      return { width: view(head).getUint32(16), height: view(head).getUint32(20) };
    }
    if (opts.signature === "jpeg") return await jpegSize(read, opts.size);
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
  return null;
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are other segments. */
const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

async function jpegSize(read: ReadRange, size: number) {
  let offset = 2;
  while (offset + 4 <= size) {
    const head = await read(offset, 4);
    if (head[0] !== 0xff) return null;
    const marker = head[1];
    // Fill bytes and markers without a length (RST, TEM) carry no segment.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    if (isStartOfFrame(marker)) {
      const frame = await read(offset + 4, 5);
      return { height: view(frame).getUint16(1), width: view(frame).getUint16(3) };
    }
    offset += 2 + view(head).getUint16(2);
  }
  return null;
}
