import { describe, expect, it } from "vitest";
import { readAudioDuration, readImageSize, type ReadRange } from "../../server/services/media/probe";
import type { Signature } from "../../server/services/media/rules";
import { wavFile } from "../support/audio";
import { fixture } from "../support/fixtures";
import { pngFile } from "../support/images";

/**
 * The fixtures are real files made with ffmpeg 5.1 (libmp3lame, its AAC encoder, PCM), each a 12.6 s tone; ffprobe
 * reads 12.6-12.7 s for all of them, so every one must come out as 13 seconds.
 *   ffmpeg -f lavfi -i sine=frequency=440:duration=12.6 -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k -write_xing 0 cbr-no-header.mp3
 *   ... -ar 44100 -c:a libmp3lame -b:a 32k info.mp3        (CBR with a LAME "Info" header)
 *   ... -ar 44100 -c:a libmp3lame -q:a 9 vbr-xing.mp3      (VBR with a Xing header)
 *   ... -ac 2 -ar 22050 -c:a libmp3lame -q:a 9 vbr-mpeg2-stereo.mp3   (MPEG-2: other side-info length)
 *   ... -ar 22050 -c:a aac -b:a 24k -movflags +faststart moov-first.m4a   (and without the flag: moov-last.m4a)
 *   ... -ar 8000 -c:a pcm_u8 tone.wav
 *   ffmpeg -f lavfi -i color=c=navy:s=1400x1400 -frames:v 1 -q:v 31 square-1400.jpg  (and 1200x1200, 1600x1400)
 */

/** Like an R2 ranged get, counting the reads so a test can see the file is not read whole. */
function rangeReader(bytes: Uint8Array) {
  const reads: { offset: number; length: number }[] = [];
  const read: ReadRange = async (offset, length) => {
    reads.push({ offset, length });
    return bytes.slice(offset, offset + length);
  };
  return { read, reads };
}

const durationOf = (bytes: Uint8Array, signature: Signature) =>
  readAudioDuration({ signature, size: bytes.length, read: rangeReader(bytes).read });

describe("audio duration from the file's own headers", () => {
  it.each([
    ["cbr-no-header.mp3", "mp3"],
    ["info.mp3", "mp3"],
    ["vbr-xing.mp3", "mp3"],
    ["vbr-mpeg2-stereo.mp3", "mp3"],
    ["moov-first.m4a", "mp4"],
    ["moov-last.m4a", "mp4"],
    ["tone.wav", "wav"],
  ] as const)("reads %s as 13 seconds", async (name, signature) => {
    expect(await durationOf(fixture(name), signature)).toBe(13);
  });

  it("trusts the Xing frame count over the file size (VBR)", async () => {
    // Appending junk past the audio would change a size-based estimate; the Xing count does not move.
    const vbr = fixture("vbr-xing.mp3");
    const padded = new Uint8Array(vbr.length * 3);
    padded.set(vbr);
    expect(await durationOf(padded, "mp3")).toBe(13);
  });

  it("reads a Fraunhofer VBRI header", async () => {
    // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo: a 417-byte frame with VBRI at offset 36, 1000 frames.
    const frame = new Uint8Array(417 * 3);
    for (let i = 0; i < 3; i++) frame.set([0xff, 0xfb, 0x90, 0x00], i * 417);
    frame.set(
      [..."VBRI"].map((c) => c.charCodeAt(0)),
      36,
    );
    new DataView(frame.buffer).setUint32(36 + 14, 1000);
    // 1000 frames × 1152 samples / 44100 Hz = 26.1 s; the size-based estimate would be under a second.
    expect(await durationOf(frame, "mp3")).toBe(26);
  });

  it("skips an ID3v2 tag and leaves an ID3v1 tag out of a CBR estimate", async () => {
    const cbr = fixture("cbr-no-header.mp3");
    const id3v1 = new Uint8Array(128);
    id3v1.set([0x54, 0x41, 0x47]);
    const tagged = new Uint8Array([...cbr, ...id3v1]);
    expect(await durationOf(tagged, "mp3")).toBe(13);
  });

  it("reads a long WAV from its header without reading its body", async () => {
    const size = 44_100 * 2 * 3600 + 44;
    const header = wavFile(1024);
    new DataView(header.buffer).setUint32(40, size - 44, true);
    const { read, reads } = rangeReader(header);
    expect(await readAudioDuration({ signature: "wav", size, read })).toBe(3600);
    expect(reads.reduce((sum, r) => sum + r.length, 0)).toBeLessThan(256 * 1024);
  });

  it("reads an M4A's moov at the end with a few small reads, not the whole file", async () => {
    const m4a = fixture("moov-last.m4a");
    const { read, reads } = rangeReader(m4a);
    expect(await readAudioDuration({ signature: "mp4", size: m4a.length, read })).toBe(13);
    expect(reads.length).toBeLessThanOrEqual(4);
  });

  it("answers null, not an error, for formats it does not read and for damaged headers", async () => {
    expect(await durationOf(fixture("tone.flac"), "flac")).toBeNull();
    expect(await durationOf(fixture("moov-first.m4a").slice(0, 40), "mp4")).toBeNull();
    expect(await durationOf(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 5, 1, 2]), "mp3")).toBeNull();
    expect(await durationOf(fixture("tone.wav").slice(0, 30), "wav")).toBeNull();
  });
});

describe("image size from the file's own headers", () => {
  const sizeOf = (bytes: Uint8Array, signature: Signature) =>
    readImageSize({ signature, size: bytes.length, read: rangeReader(bytes).read });

  it.each([
    ["square-1400.jpg", 1400, 1400],
    ["square-1200.jpg", 1200, 1200],
    ["wide-1600x1400.jpg", 1600, 1400],
  ])("reads %s as %i × %i", async (name, width, height) => {
    expect(await sizeOf(fixture(name), "jpeg")).toEqual({ width, height });
  });

  it("reads a PNG's IHDR", async () => {
    expect(await sizeOf(new Uint8Array(pngFile(3, 2, [0, 0, 0])), "png")).toEqual({ width: 3, height: 2 });
  });

  it("answers null for a truncated JPEG and for formats it does not read", async () => {
    expect(await sizeOf(fixture("square-1400.jpg").slice(0, 30), "jpeg")).toBeNull();
    expect(await sizeOf(new Uint8Array(16), "webp")).toBeNull();
  });
});
