import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { serveConcatenation, type ReadObject } from "../../server/services/ads/concat";
import { encodingMismatch, Mp3Error, scanMp3, scanMp3Stream } from "../../server/services/ads/mp3";
import { buildArrangement, shiftTime, type Part } from "../../server/services/ads/stitch";
import { fixture } from "../support/fixtures";

/**
 * Fixtures made with ffmpeg 5.1 (libmp3lame), besides those media-probe.test.ts lists:
 *   ffmpeg -f lavfi -i sine=frequency=440:duration=6 -ac 1 -ar 44100 -c:a libmp3lame -b:a 48k -id3v2_version 3 \
 *     -metadata title=Episode episode-44k-mono.mp3
 *   ffmpeg -f lavfi -i sine=frequency=880:duration=2 -ac 1 -ar 44100 -c:a libmp3lame -b:a 48k ad-44k-mono.mp3
 *   ffmpeg -f lavfi -i sine=frequency=660:duration=1.5 -ac 1 -ar 44100 -c:a libmp3lame -q:a 7 ad-44k-mono-vbr.mp3
 *   ... -ac 2 -ar 44100 -b:a 64k ad-44k-stereo.mp3;  ... -ac 1 -ar 22050 -b:a 32k ad-22k-mono.mp3
 * `ffprobe -count_frames` reads 231, 78 and 59 audio frames in the first three.
 */

const concat = (chunks: readonly Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

/** A stored object's ranged read, as R2 gives it: a stream, here in small uneven chunks to cross every seam. */
function memoryStore(objects: Record<string, Uint8Array>) {
  const reads: { key: string; offset: number; length: number }[] = [];
  const read: ReadObject = async (key, offset, length) => {
    reads.push({ key, offset, length });
    const bytes = new Map(Object.entries(objects)).get(key)!.slice(offset, offset + length);
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        // Tiny chunks at the start of each read, then large ones: seams inside and between chunks, quickly.
        const step = at < 8 ? 1 + (at % 3) : 4093;
        controller.enqueue(bytes.slice(at, at + step));
        at += step;
      },
    });
  };
  return { read, reads };
}

/** What the parts mean: the bytes of their actual concatenation. */
const materialise = (parts: readonly Part[], objects: Record<string, Uint8Array>) =>
  concat(
    parts.map((p) =>
      p.kind === "bytes" ? p.bytes : new Map(Object.entries(objects)).get(p.key)!.slice(p.offset, p.offset + p.length),
    ),
  );

async function fetchRange(opts: {
  parts: readonly Part[];
  objects: Record<string, Uint8Array>;
  headers?: Record<string, string>;
  method?: string;
}) {
  const response = serveConcatenation({
    request: new Request("https://x.test/a.mp3", { method: opts.method ?? "GET", headers: opts.headers }),
    parts: opts.parts,
    etag: '"arr-1"',
    read: memoryStore(opts.objects).read,
    headers: { "content-type": "audio/mpeg" },
  });
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body };
}

/** The answer RFC 9110 requires for a single byte-range header over a file of `size` bytes, computed independently. */
function expected(file: Uint8Array, header: string) {
  const size = file.length;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header)!;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return { status: 416 as const };
    const start = Math.max(0, size - n);
    return { status: 206 as const, start, end: size - 1 };
  }
  const a = Number(m[1]);
  if (m[2] !== "" && Number(m[2]) < a) return { status: 200 as const, start: 0, end: size - 1 };
  if (a >= size) return { status: 416 as const };
  return { status: 206 as const, start: a, end: m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1) };
}

/** Index of the first differing byte, or -1: vitest's deep equality is far too slow for thousands of 60 KB bodies. */
function firstDifference(a: Uint8Array, b: Uint8Array) {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))
    ? -1
    : a.findIndex((byte, i) => byte !== b[i]);
}

async function checkRange(
  parts: readonly Part[],
  objects: Record<string, Uint8Array>,
  header: string,
  file = materialise(parts, objects),
) {
  const want = expected(file, header);
  const { response, body } = await fetchRange({ parts, objects, headers: { range: header } });
  expect(response.status, header).toBe(want.status);
  if (want.status === 416) {
    expect(response.headers.get("content-range")).toBe(`bytes */${file.length}`);
    expect(body.length).toBe(0);
    return;
  }
  expect(firstDifference(body, file.slice(want.start, want.end + 1)), header).toBe(-1);
  expect(response.headers.get("content-length")).toBe(String(want.end - want.start + 1));
  if (want.status === 206)
    expect(response.headers.get("content-range")).toBe(`bytes ${want.start}-${want.end}/${file.length}`);
}

describe("virtual concatenation: byte ranges over the seams", () => {
  // Head, ad 1, an empty part, middle, ad 2 (made here), tail: small enough to try every range.
  const objects = {
    episode: Uint8Array.from({ length: 12 }, (_, i) => i + 1),
    ad: Uint8Array.from({ length: 4 }, (_, i) => 101 + i),
  };
  const parts: Part[] = [
    { kind: "object", key: "episode", offset: 0, length: 3 },
    { kind: "object", key: "ad", offset: 0, length: 4 },
    { kind: "object", key: "episode", offset: 3, length: 0 },
    { kind: "object", key: "episode", offset: 3, length: 5 },
    { kind: "bytes", bytes: Uint8Array.from([201, 202]) },
    { kind: "object", key: "ad", offset: 1, length: 2 },
    { kind: "object", key: "episode", offset: 8, length: 4 },
  ];
  const size = 3 + 4 + 5 + 2 + 2 + 4;

  it("serves every bytes=a-b, bytes=a- and bytes=-n exactly as the concatenation's bytes", async () => {
    let checked = 0;
    for (let a = 0; a <= size + 1; a++) {
      for (let b = 0; b <= size + 1; b++) {
        await checkRange(parts, objects, `bytes=${a}-${b}`);
        checked++;
      }
      await checkRange(parts, objects, `bytes=${a}-`);
      await checkRange(parts, objects, `bytes=-${a}`);
      checked += 2;
    }
    expect(checked).toBe((size + 2) * (size + 4));
  });

  it("answers the whole file without a Range, and to multi-range or malformed headers", async () => {
    const file = materialise(parts, objects);
    for (const headers of [
      {} as Record<string, string>,
      { range: "bytes=0-1,4-5" },
      { range: "items=0-3" },
      { range: "bytes=-" },
    ]) {
      const { response, body } = await fetchRange({ parts, objects, headers });
      expect(response.status).toBe(200);
      expect(body).toEqual(file);
      expect(response.headers.get("content-length")).toBe(String(size));
      expect(response.headers.get("etag")).toBe('"arr-1"');
    }
  });

  it("answers HEAD with the whole file's headers and no body, whatever the Range", async () => {
    const { response, body } = await fetchRange({ parts, objects, method: "HEAD", headers: { range: "bytes=2-5" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(size));
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(body.length).toBe(0);
  });

  it("honours If-Range only for this arrangement's ETag", async () => {
    const file = materialise(parts, objects);
    const same = await fetchRange({ parts, objects, headers: { range: "bytes=5-9", "if-range": '"arr-1"' } });
    expect(same.response.status).toBe(206);
    expect(same.body).toEqual(file.slice(5, 10));
    for (const ifRange of ['"arr-2"', 'W/"arr-1"', "Sun, 06 Dec 2026 10:00:00 GMT"]) {
      const other = await fetchRange({ parts, objects, headers: { range: "bytes=5-9", "if-range": ifRange } });
      expect(other.response.status, ifRange).toBe(200);
      expect(other.body).toEqual(file);
    }
  });

  it("reads only the stored ranges a request needs", async () => {
    const store = memoryStore(objects);
    const response = serveConcatenation({
      request: new Request("https://x.test/a.mp3", { headers: { range: "bytes=4-8" } }),
      parts,
      etag: '"arr-1"',
      read: store.read,
      headers: {},
    });
    await response.arrayBuffer();
    expect(store.reads).toEqual([
      { key: "ad", offset: 1, length: 3 },
      { key: "episode", offset: 3, length: 2 },
    ]);
  });

  it("matches the concatenation for random ranges over a stitched episode (property)", async () => {
    const objects = {
      "ep.mp3": fixture("episode-44k-mono.mp3"),
      "ad.mp3": fixture("ad-44k-mono.mp3"),
      "vbr.mp3": fixture("ad-44k-mono-vbr.mp3"),
    };
    const episode = scanMp3(objects["ep.mp3"], [3000]);
    const stitched = buildArrangement({
      episode: { key: "ep.mp3", layout: episode },
      insertions: [
        { position: "pre", ref: "a", key: "ad.mp3", layout: scanMp3(objects["ad.mp3"]) },
        { position: "mid", split: episode.splits[0], ref: "b", key: "vbr.mp3", layout: scanMp3(objects["vbr.mp3"]) },
        { position: "post", ref: "c", key: "ad.mp3", layout: scanMp3(objects["ad.mp3"]) },
      ],
    });
    const size = stitched.size;
    expect(materialise(stitched.parts, objects).length).toBe(size);
    // Every seam ± 2 bytes, as starts and as ends, plus random ranges anywhere.
    const seams: number[] = [];
    stitched.parts.reduce((at, part) => {
      seams.push(at);
      return at + (part.kind === "bytes" ? part.bytes.length : part.length);
    }, 0);
    const near = seams.flatMap((s) => [s - 2, s - 1, s, s + 1, s + 2]).filter((n) => n >= 0 && n < size);
    const file = materialise(stitched.parts, objects);
    for (const a of near)
      for (const b of near) if (b >= a - 1) await checkRange(stitched.parts, objects, `bytes=${a}-${b}`, file);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.nat(size + 10), fc.nat(size + 10)).map(([a, b]) => `bytes=${a}-${b}`),
          fc.nat(size + 10).map((a) => `bytes=${a}-`),
          fc.nat(size + 10).map((n) => `bytes=-${n}`),
        ),
        (header) => checkRange(stitched.parts, objects, header, file),
      ),
      { numRuns: 300 },
    );
  });
});

describe("MP3 frames", () => {
  it.each([
    ["episode-44k-mono.mp3", 231, 44_100, 1],
    ["ad-44k-mono.mp3", 78, 44_100, 1],
    ["ad-44k-mono-vbr.mp3", 59, 44_100, 1],
    ["ad-44k-stereo.mp3", 78, 44_100, 2],
    // The file's own Xing header says 485; ffprobe -count_frames reads 484 here (it decodes one frame fewer).
    ["vbr-mpeg2-stereo.mp3", 485, 22_050, 2],
    ["cbr-no-header.mp3", 485, 22_050, 1],
  ] as const)("counts %s's audio frames", (name, frames, sampleRate, channels) => {
    const layout = scanMp3(fixture(name));
    expect(layout.frames).toBe(frames);
    expect(layout.encoding).toMatchObject({ sampleRate, channels });
  });

  it("skips ID3v2 tags and sets the Xing/Info frame apart", () => {
    const bytes = fixture("episode-44k-mono.mp3");
    const layout = scanMp3(bytes);
    expect(String.fromCharCode(...bytes.subarray(0, 3))).toBe("ID3");
    expect(layout.audioStart).toBeGreaterThan(10);
    expect(layout.infoFrame?.offset).toBe(layout.audioStart);
    expect(layout.firstAudioFrame).toBe(layout.audioStart + layout.infoFrame!.length);
    expect(layout.audioEnd).toBe(bytes.length);
    expect(layout.durationMs).toBeCloseTo((231 * 1152 * 1000) / 44_100, 6);
    expect(scanMp3(fixture("cbr-no-header.mp3")).infoFrame).toBeNull();
  });

  it("gives the same layout however the stream is chunked", async () => {
    const bytes = fixture("episode-44k-mono.mp3");
    const whole = scanMp3(bytes, [0, 1000, 3000, 5900, 99_000]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 30 }), async (sizes) => {
        let at = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (at >= bytes.length) return controller.close();
            const step = sizes[at % sizes.length];
            controller.enqueue(bytes.slice(at, at + step));
            at += step;
          },
        });
        expect(await scanMp3Stream(stream, [0, 1000, 3000, 5900, 99_000])).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it("splits at a frame boundary near the timestamp, preferring frames that need no earlier bytes", () => {
    const bytes = fixture("episode-44k-mono.mp3");
    const layout = scanMp3(bytes, [3000, 99_000]);
    const [mid, beyond] = layout.splits;
    const msPerFrame = (1152 / 44_100) * 1000;
    expect(Math.abs(mid.atMs - 3000)).toBeLessThanOrEqual(mid.clean ? 500 : msPerFrame / 2);
    // The offset is a frame start: frames walked from the first audio frame land on it.
    const frameIndex = Math.round(mid.atMs / msPerFrame);
    expect(mid.atMs).toBeCloseTo(frameIndex * msPerFrame, 6);
    expect(bytes[mid.offset]).toBe(0xff);
    expect(beyond).toMatchObject({ offset: layout.audioEnd, atMs: layout.durationMs });
  });

  it("refuses an ad whose sample rate or channels differ, saying what to export", () => {
    const episode = scanMp3(fixture("episode-44k-mono.mp3")).encoding;
    expect(encodingMismatch(episode, scanMp3(fixture("ad-44k-mono.mp3")).encoding)).toBeNull();
    expect(encodingMismatch(episode, scanMp3(fixture("ad-44k-mono-vbr.mp3")).encoding)).toBeNull();
    expect(encodingMismatch(episode, scanMp3(fixture("ad-44k-stereo.mp3")).encoding)).toBe(
      "This ad is 44.1 kHz stereo MP3 but the episode is 44.1 kHz mono. Export the ad as 44.1 kHz mono MP3 so it can be joined into the episode.",
    );
    expect(encodingMismatch(episode, scanMp3(fixture("ad-22k-mono.mp3")).encoding)).toMatch(
      /^This ad is 22.05 kHz mono MP3 but the episode is 44.1 kHz mono\./,
    );
  });

  it("refuses files that are not MP3 audio", () => {
    expect(() => scanMp3(fixture("tone.wav"))).toThrow(Mp3Error);
    expect(() => scanMp3(new Uint8Array(0))).toThrow(Mp3Error);
  });
});

describe("a stitched episode is a valid MP3", () => {
  const objects = {
    "ep.mp3": fixture("episode-44k-mono.mp3"),
    "ad.mp3": fixture("ad-44k-mono.mp3"),
    "vbr.mp3": fixture("ad-44k-mono-vbr.mp3"),
  };
  const episode = scanMp3(objects["ep.mp3"], [3000]);
  const ad = scanMp3(objects["ad.mp3"]);
  const vbr = scanMp3(objects["vbr.mp3"]);
  const stitched = buildArrangement({
    episode: { key: "ep.mp3", layout: episode },
    insertions: [
      { position: "post", ref: "post", key: "ad.mp3", layout: ad },
      { position: "mid", split: episode.splits[0], ref: "mid", key: "vbr.mp3", layout: vbr },
      { position: "pre", ref: "pre", key: "ad.mp3", layout: ad },
    ],
  });
  const file = materialise(stitched.parts, objects);

  it("walks frame by frame from the first to the last byte of audio, with one Xing frame counting them all", () => {
    const layout = scanMp3(file);
    expect(layout.frames).toBe(231 + 78 + 59 + 78);
    expect(layout.audioEnd).toBe(file.length);
    expect(layout.infoFrame).not.toBeNull();
    const xing = layout.infoFrame!.offset + 4 + layout.infoFrame!.sideInfoLength;
    const view = new DataView(file.buffer, file.byteOffset);
    expect(String.fromCharCode(...file.subarray(xing, xing + 4))).toBe("Xing");
    expect(view.getUint32(xing + 8)).toBe(446);
    expect(view.getUint32(xing + 12)).toBe(file.length - layout.audioStart);
  });

  it("places the ads in time order with their byte ranges and shifts later episode times", () => {
    expect(stitched.ads.map((a) => a.ref)).toEqual(["pre", "mid", "post"]);
    const [pre, mid, post] = stitched.ads;
    expect(pre.startMs).toBe(0);
    expect(mid.startMs).toBeCloseTo(pre.durationMs + episode.splits[0].atMs, 6);
    expect(post.startMs).toBeCloseTo(pre.durationMs + mid.durationMs + episode.durationMs, 6);
    expect(post.byteEnd).toBe(file.length);
    for (const placed of stitched.ads) {
      const source = placed.ref === "mid" ? objects["vbr.mp3"] : objects["ad.mp3"];
      const layout = placed.ref === "mid" ? vbr : ad;
      expect(file.slice(placed.byteStart, placed.byteEnd)).toEqual(
        source.slice(layout.firstAudioFrame, layout.audioEnd),
      );
    }
    expect(shiftTime(stitched.ads, 0)).toBe(pre.durationMs);
    expect(shiftTime(stitched.ads, 5000)).toBeCloseTo(5000 + pre.durationMs + mid.durationMs, 6);
    expect(stitched.durationMs).toBeCloseTo(episode.durationMs + 2 * ad.durationMs + vbr.durationMs, 6);
  });

  it("decodes with ffmpeg without errors, as long as its parts together", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stitch-"));
    const target = path.join(dir, "stitched.mp3");
    writeFileSync(target, file);
    const decoded = spawnSync("ffmpeg", ["-v", "error", "-i", target, "-f", "null", "-"], { encoding: "utf8" });
    expect(decoded.status).toBe(0);
    expect(decoded.stderr).toBe("");
    const probed = execFileSync(
      "ffprobe",
      ["-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames,duration", "-of", "csv=p=0", target],
      { encoding: "utf8" },
    ).trim();
    const [duration, frames] = probed.split(",").map(Number);
    expect(frames).toBe(446);
    expect(duration).toBeCloseTo(stitched.durationMs / 1000, 1);
  });
});
