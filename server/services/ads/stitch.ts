import type { Mp3Layout, SplitPoint } from "./mp3";

/**
 * An arrangement: the episode's audio with ads joined in at frame boundaries, described as a list of parts (byte
 * ranges of stored objects, or a few bytes made here) that concat.ts serves as one file. Nothing is copied or
 * re-encoded: parts are ranges of the files already in R2 (docs/decisions/024).
 */

export type Part =
  { kind: "object"; key: string; offset: number; length: number } | { kind: "bytes"; bytes: Uint8Array };

export const partLength = (part: Part) => (part.kind === "object" ? part.length : part.bytes.length);

export interface AdInsertion {
  /** Where in the episode: pre (before the first audio frame), mid (at a split point), post (after the last). */
  position: "pre" | "mid" | "post";
  /** For mid-rolls: the frame boundary the scanner chose for the slot's timestamp. */
  split?: SplitPoint;
  /** An identifier the caller uses to find this ad again (the flight's id). */
  ref: string;
  key: string;
  layout: Mp3Layout;
}

export interface PlacedAd {
  ref: string;
  /** The ad's bytes in the stitched file, [start, end): delivery is all of these downloaded. */
  byteStart: number;
  byteEnd: number;
  /** Where the ad starts in the stitched audio, and how long it plays. */
  startMs: number;
  durationMs: number;
  /** Episode time the ad was inserted at: chapters at or after it move by the ad's length. */
  episodeAtMs: number;
}

export interface Arrangement {
  parts: Part[];
  size: number;
  durationMs: number;
  ads: PlacedAd[];
}

/** Episode time → stitched time: every ad inserted at or before `t` plays before it. */
export function shiftTime(ads: readonly PlacedAd[], episodeMs: number): number {
  return episodeMs + ads.filter((ad) => ad.episodeAtMs <= episodeMs).reduce((sum, ad) => sum + ad.durationMs, 0);
}

/**
 * Joins ads into an episode. Layout of the result: the episode's ID3v2 tags, a rewritten Xing frame (if the
 * episode had an info frame: its frame count, byte count and seek table describe the stitched stream, not the
 * original), then episode frames with each ad's audio frames (its own tags and info frame left out) at its
 * split, then whatever followed the episode's audio (an ID3v1 tag must stay last). Ads at the same point keep
 * the order given.
 */
export function buildArrangement(opts: {
  episode: { key: string; layout: Mp3Layout };
  insertions: readonly AdInsertion[];
}) {
  const { layout: ep, key } = opts.episode;
  const pointOf = (insertion: AdInsertion): { offset: number; atMs: number } => {
    if (insertion.position === "pre") return { offset: ep.firstAudioFrame, atMs: 0 };
    if (insertion.position === "post" || !insertion.split) return { offset: ep.audioEnd, atMs: ep.durationMs };
    return { offset: insertion.split.offset, atMs: insertion.split.atMs };
  };
  const ordered = opts.insertions
    .map((insertion, index) => ({ insertion, index, point: pointOf(insertion) }))
    .sort((a, b) => a.point.offset - b.point.offset || a.index - b.index);

  const episodePart = (from: number, to: number): Part[] =>
    to > from ? [{ kind: "object", key, offset: from, length: to - from }] : [];
  const parts: Part[] = [...episodePart(0, ep.audioStart)];
  const xingAt = parts.length;
  let cursor = ep.firstAudioFrame;
  let frames = ep.frames;
  const ads: PlacedAd[] = [];
  const timeline: { ms: number; bytes: number }[] = [];
  let bytes = ep.audioStart + (ep.infoFrame?.length ?? 0);
  const push = (part: Part) => {
    parts.push(part);
    bytes += partLength(part);
  };
  for (const { insertion, point } of ordered) {
    const before = episodePart(cursor, point.offset);
    before.forEach(push);
    const playedMs = shiftTime(ads, point.atMs);
    timeline.push({ ms: playedMs, bytes });
    const ad = insertion.layout;
    const byteStart = bytes;
    push({ kind: "object", key: insertion.key, offset: ad.firstAudioFrame, length: ad.audioEnd - ad.firstAudioFrame });
    ads.push({
      ref: insertion.ref,
      byteStart,
      byteEnd: bytes,
      startMs: playedMs,
      durationMs: ad.durationMs,
      episodeAtMs: point.atMs,
    });
    frames += ad.frames;
    timeline.push({ ms: playedMs + ad.durationMs, bytes });
    cursor = point.offset;
  }
  episodePart(cursor, ep.audioEnd).forEach(push);
  const durationMs = ep.durationMs + ads.reduce((sum, ad) => sum + ad.durationMs, 0);
  timeline.unshift({ ms: 0, bytes: ep.audioStart + (ep.infoFrame?.length ?? 0) });
  timeline.push({ ms: durationMs, bytes });
  const streamBytes = bytes - ep.audioStart;
  episodePart(ep.audioEnd, ep.size).forEach(push);
  if (ep.infoFrame) {
    const toc = seekTable(timeline, durationMs, ep.audioStart, streamBytes);
    parts.splice(xingAt, 0, { kind: "bytes", bytes: xingFrame(ep.infoFrame, frames, streamBytes, toc) });
  }
  return { parts, size: bytes, durationMs, ads } satisfies Arrangement;
}

/**
 * The Xing seek table: for each percent of the duration, the byte position as a fraction of the stream × 256.
 * Positions are interpolated linearly inside each stretch of the timeline (episode pieces and ads), which is as
 * exact as the table's one-byte entries are anyway.
 */
function seekTable(
  timeline: { ms: number; bytes: number }[],
  durationMs: number,
  audioStart: number,
  streamBytes: number,
) {
  const toc = new Uint8Array(100);
  for (let percent = 0; percent < 100; percent++) {
    const ms = (durationMs * percent) / 100;
    let k = 0;
    while (k + 1 < timeline.length - 1 && timeline[k + 1].ms <= ms) k++;
    const [a, b] = [timeline[k], timeline[Math.min(k + 1, timeline.length - 1)]];
    const at = b.ms > a.ms ? a.bytes + ((b.bytes - a.bytes) * (ms - a.ms)) / (b.ms - a.ms) : a.bytes;
    toc[percent] = Math.min(255, Math.floor(((at - audioStart) / streamBytes) * 256));
  }
  return toc;
}

/**
 * A frame of the episode's own header and length whose body is a Xing tag (the de-facto format LAME documents:
 * "Xing", flags, frames, bytes, 100-byte TOC, all big-endian, after the side information). The episode's own
 * LAME extension (encoder delay, a CRC over the old tag) is not copied: it would describe the original file.
 * The TOC is left out when the frame is too short to hold it (low-bitrate MPEG-2).
 */
function xingFrame(info: NonNullable<Mp3Layout["infoFrame"]>, frames: number, streamBytes: number, toc: Uint8Array) {
  const frame = new Uint8Array(info.length);
  frame.set(info.header);
  const at = 4 + info.sideInfoLength;
  const withToc = at + 16 + 100 <= frame.length;
  const view = new DataView(frame.buffer);
  frame.set(
    [..."Xing"].map((c) => c.charCodeAt(0)),
    at,
  );
  view.setUint32(at + 4, withToc ? 0x7 : 0x3);
  view.setUint32(at + 8, frames);
  view.setUint32(at + 12, streamBytes);
  if (withToc) frame.set(toc, at + 16);
  return frame;
}
