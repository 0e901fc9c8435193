import { describe, expect, it } from "vitest";
import {
  contentTypeForFile,
  formatBytes,
  MAX_PARTS,
  MAX_UPLOAD_BYTES,
  normaliseContentType,
  PART_SIZE,
  partLength,
  partRange,
  planUpload,
} from "../../server/services/media/rules";
import { matchesSignature } from "../../server/services/media/signatures";
import { wavSlice } from "../support/audio";

const MiB = 1024 * 1024;
/** R2's smallest part (all but the last) and the Workers request body limit (100 MB on the Free and Pro plans). */
const R2_MIN_PART = 5 * MiB;
const WORKERS_BODY_LIMIT = 100 * 1000 * 1000;

/** Every request the browser and the benchmark send for a file: the planner both share. */
function requestsFor(size: number) {
  const plan = planUpload(size);
  return Array.from({ length: plan.partCount }, (_, i) => ({
    partNumber: i + 1,
    ...partRange(size, plan.partSize, i + 1),
  }));
}

describe("planning the parts of an upload", () => {
  it("sends a 1 GiB file in 128 requests, none larger than the part size, covering every byte once", () => {
    const size = 1024 * MiB;
    const requests = requestsFor(size);
    expect(requests).toHaveLength(128);
    expect(Math.max(...requests.map((r) => r.end - r.start))).toBe(PART_SIZE);
    expect(requests.every((r, i) => r.start === (i === 0 ? 0 : requests[i - 1].end))).toBe(true);
    expect(requests.at(-1)!.end).toBe(size);
  });

  it("keeps parts within R2's and the Workers platform's limits for every allowed size", () => {
    expect(PART_SIZE).toBeGreaterThanOrEqual(R2_MIN_PART);
    expect(PART_SIZE).toBeLessThan(WORKERS_BODY_LIMIT);
    expect(planUpload(MAX_UPLOAD_BYTES).partCount).toBeLessThanOrEqual(MAX_PARTS);
    for (const size of [1, PART_SIZE - 1, PART_SIZE, PART_SIZE + 1, 3 * PART_SIZE + 7, MAX_UPLOAD_BYTES]) {
      const requests = requestsFor(size);
      expect(requests.reduce((sum, r) => sum + r.end - r.start, 0)).toBe(size);
      expect(requests.slice(0, -1).every((r) => r.end - r.start === PART_SIZE)).toBe(true);
      expect(planUpload(size).multipart).toBe(size > PART_SIZE);
    }
    expect(partLength(PART_SIZE + 1, PART_SIZE, 2)).toBe(1);
  });
});

describe("content types", () => {
  it("declares the browser's type when allowed, else the extension's", () => {
    expect(contentTypeForFile("take.webm", "audio/webm;codecs=opus")).toBe("audio/webm");
    expect(contentTypeForFile("Episode.MP3", "")).toBe("audio/mpeg");
    expect(contentTypeForFile("song.mp3", "audio/mp3")).toBe("audio/mpeg");
    expect(contentTypeForFile("clip.mov", "video/quicktime")).toBe("video/quicktime");
    expect(contentTypeForFile("notes.txt", "text/plain")).toBeNull();
    expect(normaliseContentType("IMAGE/PNG")).toBe("image/png");
  });

  it("recognises each format by its first bytes, and not another's", () => {
    const bytes = (...parts: (string | number[])[]) =>
      new Uint8Array(
        parts.flatMap((part) => (typeof part === "string" ? [...part].map((c) => c.charCodeAt(0)) : part)),
      );
    const wav = wavSlice(1000, 0, 16);
    expect(matchesSignature("wav", wav)).toBe(true);
    expect(matchesSignature("webp", wav)).toBe(false);
    expect(matchesSignature("mp3", wav)).toBe(false);
    expect(matchesSignature("mp3", bytes("ID3", [4, 0]))).toBe(true);
    expect(matchesSignature("mp3", bytes([0xff, 0xfb, 0x90]))).toBe(true);
    expect(matchesSignature("ogg", bytes("OggS", [0]))).toBe(true);
    expect(matchesSignature("flac", bytes("fLaC"))).toBe(true);
    expect(matchesSignature("webm", bytes([0x1a, 0x45, 0xdf, 0xa3]))).toBe(true);
    expect(matchesSignature("mp4", bytes([0, 0, 0, 0x20], "ftypisom"))).toBe(true);
    expect(matchesSignature("quicktime", bytes([0, 0, 0, 8], "wide"))).toBe(true);
    expect(matchesSignature("jpeg", bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(matchesSignature("png", bytes([0x89], "PNG", [0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(matchesSignature("webp", bytes("RIFF", [0, 0, 0, 0], "WEBP"))).toBe(true);
    expect(matchesSignature("jpeg", bytes([0xff, 0xd8]))).toBe(false);
  });

  it("writes sizes for people", () => {
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(812 * 1024)).toBe("812 KB");
    expect(formatBytes(12.44 * MiB)).toBe("12.4 MB");
    expect(formatBytes(MAX_UPLOAD_BYTES)).toBe("2 GB");
  });
});
