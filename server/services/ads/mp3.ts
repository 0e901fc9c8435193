import { parseFrameHeader } from "../media/probe";

/**
 * MP3 stream layout for ad insertion (docs/decisions/024): where the audio frames of a file start and end, how
 * many there are, its encoding, and the frame boundaries nearest given times. Frame headers follow ISO/IEC 11172-3
 * §2.4.1.3 (MPEG-1) and ISO/IEC 13818-3 §2.4.1.3 (MPEG-2 low sampling frequencies); MPEG 2.5 is Fraunhofer's
 * extension (version bits 00, half MPEG-2's rates). The header fields themselves are read by the probe's parser
 * (server/services/media/probe.ts); this file adds what splitting needs: channel mode, CRC, the side
 * information's `main_data_begin`, and the Xing/Info/VBRI frame that encoders put first.
 *
 * The scanner takes the file as chunks (an R2 body stream), so an hour-long episode is walked once, frame header
 * by frame header, without holding it in memory.
 */

export interface Mp3Encoding {
  /** "1", "2" or "2.5": follows from the sample rate, but named so a refusal can say it. */
  version: "1" | "2" | "2.5";
  sampleRate: number;
  channels: 1 | 2;
  samplesPerFrame: number;
}

export interface SplitPoint {
  /** The time asked for. */
  targetMs: number;
  /** Byte offset of the frame the stream is cut before. */
  offset: number;
  /** That frame's start time (frames before it × samples per frame / rate). */
  atMs: number;
  /**
   * The frame's `main_data_begin` is 0: it needs no bytes of the frames before it (the Layer III bit reservoir,
   * ISO/IEC 11172-3 §2.4.1.7), so audio inserted before it cannot corrupt its first granule.
   */
  clean: boolean;
}

export interface Mp3Layout {
  size: number;
  /** First byte after the ID3v2 tags: where the info frame, or else the first audio frame, starts. */
  audioStart: number;
  /** The Xing/Info/VBRI frame, which carries no audio (a stitched file must not repeat or keep a stale one). */
  infoFrame: { offset: number; length: number; sideInfoLength: number; header: Uint8Array } | null;
  firstAudioFrame: number;
  /** End of the last whole frame: anything after it (an ID3v1 tag, junk) is not audio. */
  audioEnd: number;
  /** Audio frames, the info frame excluded. */
  frames: number;
  encoding: Mp3Encoding;
  /** Variable when the audio frames' bitrates differ (VBR/ABR); either may be joined, shown so a creator can tell. */
  bitrateMode: "constant" | "variable";
  /** The bitrate of every frame (constant), or the average over the audio frames (variable). */
  kbps: number;
  durationMs: number;
  splits: SplitPoint[];
}

export class Mp3Error extends Error {}

/** Scan this far past the tags for the first frame: encoders and taggers leave padding before it. */
const SYNC_SEARCH_BYTES = 64 * 1024;
/** A mid-roll may move this far from its timestamp to land on a frame that needs no earlier bytes. */
const CLEAN_SPLIT_TOLERANCE_MS = 500;

const ascii = (bytes: Uint8Array, offset: number, length: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + length));

const syncsafe = (b: Uint8Array, at: number) =>
  ((b[at] & 0x7f) << 21) | ((b[at + 1] & 0x7f) << 14) | ((b[at + 2] & 0x7f) << 7) | (b[at + 3] & 0x7f);

/** Layer III side information length (bytes), §2.4.1.7: 17/32 for MPEG-1 mono/other, 9/17 for MPEG-2 and 2.5. */
export const sideInfoLength = (mpeg1: boolean, mono: boolean) => (mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17);

interface Frame {
  length: number;
  bitrate: number;
  encoding: Mp3Encoding;
  mpeg1: boolean;
  mono: boolean;
  /** 16-bit CRC after the header when the protection bit is 0. */
  crc: boolean;
}

function readFrame(b: Uint8Array, at: number): Frame | null {
  const header = parseFrameHeader(b, at);
  if (!header || header.layer !== 3 || header.frameLength < 4) return null;
  const versionBits = (b[at + 1] >> 3) & 3;
  return {
    length: header.frameLength,
    bitrate: header.bitrate,
    mpeg1: header.mpeg1,
    mono: header.mono,
    crc: (b[at + 1] & 1) === 0,
    encoding: {
      version: versionBits === 3 ? "1" : versionBits === 2 ? "2" : "2.5",
      sampleRate: header.sampleRate,
      channels: header.mono ? 1 : 2,
      samplesPerFrame: header.samplesPerFrame,
    },
  };
}

/** `main_data_begin`: the first 9 (MPEG-1) or 8 (MPEG-2/2.5) bits of the side information. */
function mainDataBegin(b: Uint8Array, at: number, frame: Frame) {
  const side = at + 4 + (frame.crc ? 2 : 0);
  return frame.mpeg1 ? (b[side] << 1) | (b[side + 1] >> 7) : b[side];
}

/** Bytes of a frame the scanner must see at once: header, CRC, side information, and an info tag's fields. */
const FRAME_PEEK = 4 + 2 + 32 + 12;

/**
 * Walks an MP3 file chunk by chunk. `push` every chunk in order, then `finish`. Throws Mp3Error for a file that
 * is not MPEG Layer III or changes sample rate or channels midway (it could not be joined cleanly).
 */
export class Mp3Scanner {
  private buffer = new Uint8Array(0);
  /** Absolute offset of buffer[0]. */
  private bufferStart = 0;
  private position = 0;
  private state: "tags" | "sync" | "frames" | "done" = "tags";
  private audioStart = 0;
  private infoFrame: Mp3Layout["infoFrame"] = null;
  private firstAudioFrame = -1;
  private lastFrameStart = -1;
  private frames = 0;
  private audioBytes = 0;
  private firstBitrate = 0;
  private variableBitrate = false;
  private encoding: Mp3Encoding | null = null;
  private readonly best: { nearest: SplitPoint | null; clean: SplitPoint | null }[];

  constructor(private readonly targetsMs: readonly number[] = []) {
    this.best = targetsMs.map(() => ({ nearest: null, clean: null }));
  }

  push(chunk: Uint8Array) {
    const merged = new Uint8Array(this.buffer.length + chunk.length);
    merged.set(this.buffer);
    merged.set(chunk, this.buffer.length);
    this.buffer = merged;
    this.step(false);
    // Keep only what the walk has not passed.
    const keepFrom = Math.min(Math.max(0, this.position - this.bufferStart), this.buffer.length);
    this.buffer = this.buffer.slice(keepFrom);
    this.bufferStart += keepFrom;
  }

  /** The encoding of the first frame, once it has been found (it cannot change later in a file we accept). */
  get firstEncoding(): Mp3Encoding | null {
    return this.encoding;
  }

  finish(): Mp3Layout {
    this.step(true);
    const size = this.bufferStart + this.buffer.length;
    if (!this.encoding || this.firstAudioFrame < 0) throw new Mp3Error("No MP3 audio frames were found in this file.");
    // The walk stepped past the last frame; if that frame ran past the end of the file it is not whole.
    let audioEnd = Math.min(this.position, size);
    if (this.position > size) {
      this.audioBytes -= this.position - this.lastFrameStart;
      audioEnd = this.lastFrameStart;
      this.frames -= 1;
    }
    const msPerFrame = (this.encoding.samplesPerFrame / this.encoding.sampleRate) * 1000;
    const durationMs = this.frames * msPerFrame;
    return {
      size,
      audioStart: this.audioStart,
      infoFrame: this.infoFrame,
      firstAudioFrame: this.firstAudioFrame,
      audioEnd,
      frames: this.frames,
      encoding: this.encoding,
      bitrateMode: this.variableBitrate ? "variable" : "constant",
      kbps: this.variableBitrate
        ? Math.round((this.audioBytes * 8) / Math.max(durationMs, 1))
        : this.firstBitrate / 1000,
      durationMs,
      splits: this.best.map(({ nearest, clean }, i) => {
        const targetMs = this.targetsMs[i];
        const chosen = clean ?? nearest;
        // The end of the audio is a boundary too (and needs nothing after it): nearer, or the chosen frame was cut off.
        const end = { targetMs, offset: audioEnd, atMs: this.frames * msPerFrame, clean: true };
        if (!chosen || chosen.offset >= audioEnd || Math.abs(end.atMs - targetMs) < Math.abs(chosen.atMs - targetMs))
          return end;
        return chosen;
      }),
    };
  }

  /** Bytes [position, position + length) if the buffer holds them. */
  private peek(length: number): Uint8Array | null {
    const from = this.position - this.bufferStart;
    if (from < 0 || from + length > this.buffer.length) return null;
    return this.buffer.subarray(from, from + length);
  }

  private step(final: boolean) {
    for (;;) {
      if (this.state === "done") return;
      const available = this.bufferStart + this.buffer.length - this.position;
      if (this.state === "tags") {
        // ID3v2.x header (id3.org id3v2.4.0-structure §3.1): "ID3", version, flags, syncsafe size; footer flag 0x10.
        const head = this.peek(10);
        if (!head) {
          if (!final) return;
          this.state = "sync";
          continue;
        }
        if (ascii(head, 0, 3) !== "ID3") {
          this.audioStart = this.position;
          this.state = "sync";
          continue;
        }
        this.position += 10 + syncsafe(head, 6) + ((head[5] & 0x10) !== 0 ? 10 : 0);
        continue;
      }
      if (this.state === "sync") {
        // The first frame: a header whose successor is also a header (random 0xFFEx bytes seldom are).
        const window = this.peek(Math.max(0, Math.min(available, SYNC_SEARCH_BYTES + 2 * 1441 + 4)));
        if (!final && available < SYNC_SEARCH_BYTES + 2 * 1441 + 4) return;
        if (!window) throw new Mp3Error("No MP3 audio frames were found in this file.");
        let found = -1;
        for (let i = 0; i + 4 <= window.length && i <= SYNC_SEARCH_BYTES; i++) {
          const frame = readFrame(window, i);
          if (!frame) continue;
          const next = i + frame.length;
          if (next + 4 <= window.length && !readFrame(window, next)) continue;
          found = i;
          break;
        }
        if (found < 0) throw new Mp3Error("No MP3 (MPEG Layer III) audio frames were found in this file.");
        this.position += found;
        this.state = "frames";
        continue;
      }
      // "frames"
      const bytes = this.peek(FRAME_PEEK) ?? (final ? this.peek(Math.max(0, available)) : null);
      if (!bytes) return;
      const frame = bytes.length >= 4 ? readFrame(bytes, 0) : null;
      if (!frame) {
        this.state = "done";
        return;
      }
      if (this.encoding && !sameEncoding(this.encoding, frame.encoding))
        throw new Mp3Error(
          `The audio changes from ${describeEncoding(this.encoding)} to ${describeEncoding(frame.encoding)} partway through.`,
        );
      const sideInfo = sideInfoLength(frame.mpeg1, frame.mono);
      const isFirst = this.encoding === null;
      this.encoding ??= frame.encoding;
      if (isFirst && isInfoFrame(bytes, sideInfo)) {
        this.infoFrame = {
          offset: this.position,
          length: frame.length,
          sideInfoLength: sideInfo,
          header: bytes.slice(0, 4),
        };
      } else {
        if (this.firstAudioFrame < 0) this.firstAudioFrame = this.position;
        this.noteCandidate(this.position, mainDataBegin(bytes, 0, frame) === 0);
        this.frames += 1;
        this.audioBytes += frame.length;
        if (this.firstBitrate === 0) this.firstBitrate = frame.bitrate;
        else if (frame.bitrate !== this.firstBitrate) this.variableBitrate = true;
      }
      this.lastFrameStart = this.position;
      this.position += frame.length;
    }
  }

  private noteCandidate(offset: number, clean: boolean) {
    const enc = this.encoding!;
    const atMs = ((this.frames * enc.samplesPerFrame) / enc.sampleRate) * 1000;
    this.targetsMs.forEach((targetMs, i) => {
      const best = this.best[i];
      const distance = Math.abs(atMs - targetMs);
      const point = { targetMs, offset, atMs, clean };
      if (!best.nearest || distance < Math.abs(best.nearest.atMs - targetMs)) best.nearest = point;
      if (
        clean &&
        distance <= CLEAN_SPLIT_TOLERANCE_MS &&
        (!best.clean || distance < Math.abs(best.clean.atMs - targetMs))
      )
        best.clean = point;
    });
  }
}

/** Xing/Info (LAME, after the side information) or VBRI (Fraunhofer, 32 bytes after the header). */
function isInfoFrame(bytes: Uint8Array, sideInfo: number) {
  const tag = ascii(bytes, 4 + sideInfo, 4);
  return tag === "Xing" || tag === "Info" || ascii(bytes, 36, 4) === "VBRI";
}

const sameEncoding = (a: Mp3Encoding, b: Mp3Encoding) => a.sampleRate === b.sampleRate && a.channels === b.channels;

export const describeEncoding = (e: Mp3Encoding) =>
  `${e.sampleRate / 1000} kHz ${e.channels === 1 ? "mono" : "stereo"}`;

/**
 * Why an ad cannot be joined into an episode, in the creator's words, or null when it can. Sample rate and channel
 * count must match: a decoder fixes both from the first frame, so a change midway plays at the wrong speed or
 * fails. Bitrates may differ (each frame states its own; VBR files change it every frame). Stereo and joint
 * stereo are the same channel count and may alternate frame by frame, as LAME does.
 */
export function encodingMismatch(episode: Mp3Encoding, ad: Mp3Encoding): string | null {
  if (sameEncoding(episode, ad)) return null;
  return (
    `This ad is ${describeEncoding(ad)} MP3 but the episode is ${describeEncoding(episode)}. ` +
    `Export the ad as ${describeEncoding(episode)} MP3 so it can be joined into the episode.`
  );
}

/** Scans a whole file held in memory (ad creatives, tests). */
export function scanMp3(bytes: Uint8Array, targetsMs: readonly number[] = []): Mp3Layout {
  const scanner = new Mp3Scanner(targetsMs);
  scanner.push(bytes);
  return scanner.finish();
}

/** Scans a stream (an R2 object's body) without holding it whole. */
export async function scanMp3Stream(
  stream: ReadableStream<Uint8Array>,
  targetsMs: readonly number[] = [],
): Promise<Mp3Layout> {
  const scanner = new Mp3Scanner(targetsMs);
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    scanner.push(value);
  }
  return scanner.finish();
}

/**
 * The encoding of a stream's first frame, reading no further than that frame: what a booking needs to check, without
 * walking an hour of episode.
 */
export async function readMp3Encoding(stream: ReadableStream<Uint8Array>): Promise<Mp3Encoding> {
  const scanner = new Mp3Scanner();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return scanner.finish().encoding;
      scanner.push(value);
      if (scanner.firstEncoding) return scanner.firstEncoding;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
