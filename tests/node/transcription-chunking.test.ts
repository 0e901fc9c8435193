import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transcriptionJobs, transcripts, transcriptSegments } from "../../db/schema";
import type { Env } from "../../server/env";
import {
  AudioFormatError,
  buildWavPiece,
  cutMpegWindow,
  id3v2Length,
  parseMpegFrameHeader,
  planWavPieces,
  readWavLayout,
  sniffAudioFormat,
  wavHeaderLength,
} from "../../server/services/transcription/audio-chunks";
import { TRANSCRIBE_JOB, requestTranscription } from "../../server/services/transcription/request";
import { transcribeJob } from "../../workers/queues/jobs/transcribe";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { memoryQueue } from "../support/memory-queue";
import { createLocalR2 } from "../support/r2";
import {
  fakeOpenAi,
  insertAudio,
  markedMp3,
  markedWav,
  MP3_FRAME_BYTES,
  MP3_FRAME_MS,
  pieceStartMs,
} from "../support/transcripts";
import { testConfig } from "../support/trpc";

const fromBytes = (bytes: Uint8Array) => async (offset: number, length: number) => bytes.slice(offset, offset + length);

describe("WAV splitting", () => {
  const wav = markedWav(6); // 48,000 samples, 96,000 data bytes, a LIST chunk before the data

  it("finds the format and data chunks past other chunks, with small reads", async () => {
    const reads: number[] = [];
    const layout = await readWavLayout(
      async (offset, length) => (reads.push(length), wav.slice(offset, offset + length)),
      wav.length,
    );
    expect(layout).toMatchObject({ blockAlign: 2, byteRate: 16000, dataLength: 96000, dataOffset: wav.length - 96000 });
    expect(layout.fmtChunk.length).toBe(24);
    expect(Math.max(...reads)).toBeLessThanOrEqual(24);
  });

  it("cuts the data on sample-frame boundaries into complete WAV files no larger than the limit", async () => {
    const layout = await readWavLayout(fromBytes(wav), wav.length);
    const pieces = planWavPieces(layout, 20_000);
    expect(pieces).toHaveLength(5);
    let expectedOffset = layout.dataOffset;
    for (const piece of pieces) {
      expect(piece.offset).toBe(expectedOffset);
      expect(piece.length % layout.blockAlign).toBe(0);
      expectedOffset += piece.length;
      const file = buildWavPiece(layout, wav.slice(piece.offset, piece.offset + piece.length));
      expect(file.length).toBeLessThanOrEqual(20_000);
      const seen = pieceStartMs(file);
      expect(seen).toEqual({ startMs: expect.closeTo(piece.startMs), durationMs: expect.closeTo(piece.durationMs) });
    }
    expect(expectedOffset).toBe(wav.length);
    expect(pieces.map((p) => p.startMs)).toEqual([0, 1247.125, 2494.25, 3741.375, 4988.5]);
    expect(pieces.reduce((sum, p) => sum + p.durationMs, 0)).toBe(6000);
  });

  it("pads an odd-length piece as RIFF requires, and reads an unfinalised data size as 'to the end'", async () => {
    const mono8 = markedWav(1);
    const view = new DataView(mono8.buffer);
    view.setUint16(32, 1, true); // pretend 8-bit mono: block align 1
    const dataHeader = mono8.length - 16000 - 8;
    view.setUint32(dataHeader + 4, 0, true); // a recorder that never wrote the size
    const layout = await readWavLayout(fromBytes(mono8), mono8.length);
    expect(layout.dataLength).toBe(16000);
    const piece = buildWavPiece(layout, mono8.slice(layout.dataOffset, layout.dataOffset + 3));
    expect(piece.length).toBe(wavHeaderLength(layout) + 4);
    expect(new DataView(piece.buffer).getUint32(4, true)).toBe(piece.length - 8);
  });

  it("rejects a RIFF file without audio data", async () => {
    const broken = markedWav(1).slice(0, 60);
    await expect(readWavLayout(fromBytes(broken), broken.length)).rejects.toBeInstanceOf(AudioFormatError);
  });
});

describe("MP3 splitting", () => {
  it("reads frame headers: length, samples and rate", () => {
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xfb, 0x94, 0xc0]), 0)).toEqual({
      length: 384,
      samples: 1152,
      sampleRate: 48000,
    });
    // 128 kbit/s at 44.1 kHz with the padding bit: 417 + 1.
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xfb, 0x92, 0x00]), 0)).toEqual({
      length: 418,
      samples: 1152,
      sampleRate: 44100,
    });
    // MPEG-2 Layer III, 64 kbit/s at 24 kHz: 576 samples, 72 * 64000 / 24000 bytes.
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xf3, 0x84, 0x00]), 0)).toEqual({
      length: 192,
      samples: 576,
      sampleRate: 24000,
    });
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xfb, 0xf4, 0x00]), 0)).toBeNull(); // bitrate index 15
  });

  it("measures and skips a leading ID3v2 tag", () => {
    const mp3 = markedMp3(3, { id3v2BodyBytes: 1000 });
    expect(sniffAudioFormat(mp3)).toBe("mp3");
    expect(id3v2Length(mp3)).toBe(1010);
    expect(mp3[1010]).toBe(0xff);
  });

  it("cuts a window after its last whole frame, and the last window keeps a trailing ID3v1 tag", () => {
    const mp3 = markedMp3(10, { id3v1: true });
    expect(cutMpegWindow(mp3.slice(0, 1000), false)).toEqual({
      length: 768,
      durationMs: expect.closeTo(48),
      hasAudio: true,
    });
    expect(cutMpegWindow(mp3, true)).toEqual({ length: mp3.length, durationMs: expect.closeTo(240), hasAudio: true });
    expect(cutMpegWindow(mp3.slice(mp3.length - 128), true)).toMatchObject({ hasAudio: false });
  });

  it("skips junk between frames without losing it", () => {
    const frames = markedMp3(4);
    const withJunk = new Uint8Array([...frames.slice(0, 768), 1, 2, 3, 4, 5, ...frames.slice(768)]);
    expect(cutMpegWindow(withJunk, true)).toEqual({
      length: withJunk.length,
      durationMs: expect.closeTo(96),
      hasAudio: true,
    });
    expect(() => cutMpegWindow(new Uint8Array(5000), false)).toThrow(AudioFormatError);
  });
});

describe("long recordings through the transcription job", () => {
  let t: TestDatabase;
  let r2: Awaited<ReturnType<typeof createLocalR2>>;
  const server = fakeOpenAi();
  let baseUrl: string;
  beforeAll(async () => {
    [t, r2, baseUrl] = await Promise.all([createTestDatabase(), createLocalR2(), server.start()]);
  });
  afterAll(async () => {
    await Promise.all([server.stop(), r2.dispose(), t.close()]);
  });

  /** The bucket, recording the size of every read, so the test can see memory stays bounded per piece. */
  function watchedBucket() {
    const reads: number[] = [];
    const bucket = {
      head: (key: string) => r2.bucket.head(key),
      get: (key: string, options?: R2GetOptions) => {
        const range = options?.range as { length?: number } | undefined;
        reads.push(range?.length ?? Infinity);
        return r2.bucket.get(key, options);
      },
    } as unknown as R2Bucket;
    return { bucket, reads };
  }

  async function transcribe(bytes: Uint8Array, filename: string, contentType: string, maxBytes: number) {
    server.reset();
    const owner = await createUser(t.db);
    const workspace = await createWorkspace(t.db, owner);
    const media = await insertAudio(t.db, workspace.id, { bytes, bucket: r2.bucket, filename, contentType });
    const queue = memoryQueue();
    const job = await requestTranscription({
      db: t.db,
      queue: queue.queue,
      workspaceId: workspace.id,
      mediaId: media.id,
      providersConfigured: true,
      now: new Date(),
    });
    const { bucket, reads } = watchedBucket();
    const env = {
      TRANSCRIPTION_PROVIDERS: "openai",
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: "sk-test",
      OPENAI_TRANSCRIPTION_MAX_BYTES: String(maxBytes),
      MEDIA: bucket,
    } as Env;
    for (const payload of queue.jobs(TRANSCRIBE_JOB)) {
      await transcribeJob.handle(payload as { jobId: string }, {
        db: t.db,
        env,
        config: testConfig,
        now: new Date(),
        attempt: 1,
      });
    }
    const [row] = await t.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.id, job.id));
    const [transcript] = await t.db.select().from(transcripts).where(eq(transcripts.mediaId, media.id));
    const segments = transcript
      ? await t.db
          .select()
          .from(transcriptSegments)
          .where(eq(transcriptSegments.transcriptId, transcript.id))
          .orderBy(asc(transcriptSegments.position))
      : [];
    return { job: row, transcript, segments, reads };
  }

  it("splits a long WAV into valid pieces under the limit and stitches the segment times back", async () => {
    const wav = markedWav(6);
    const { job, segments, reads } = await transcribe(wav, "interview.wav", "audio/wav", 20_000);
    expect(job).toMatchObject({ status: "done", progress: 100, attempts: 1, provider: "openai", lastError: null });
    expect(server.transcriptions).toHaveLength(5);
    for (const request of server.transcriptions) {
      expect(request.bytes.length).toBeLessThanOrEqual(20_000);
      expect(request).toMatchObject({ model: "whisper-1", responseFormat: "verbose_json", granularities: ["segment"] });
    }
    expect(server.transcriptions.map((r) => r.filename)).toEqual([1, 2, 3, 4, 5].map((n) => `interview.part${n}.wav`));
    // No single read from R2 is larger than one piece.
    expect(Math.max(...reads)).toBeLessThanOrEqual(20_000);
    expect(segments).toHaveLength(10);
    // Each text names the absolute time its audio really starts at; the stored start must match it.
    // (Providers report times in seconds, so a millisecond of rounding is allowed.)
    for (const segment of segments)
      expect(Math.abs(segment.startMs - Number(segment.text.replace("audio@", "")))).toBeLessThanOrEqual(1);
    expect(segments.map((s) => s.position)).toEqual([...segments.keys()]);
    expect(segments[0].startMs).toBe(0);
    expect(Math.abs(segments.at(-1)!.endMs - 6000)).toBeLessThanOrEqual(1);
    for (let i = 1; i < segments.length; i++)
      expect(segments[i].startMs).toBeGreaterThanOrEqual(segments[i - 1].startMs);
  });

  it("splits a long MP3 on frame boundaries, leaving out the ID3v2 tag", async () => {
    const mp3 = markedMp3(1000, { id3v2BodyBytes: 5000, id3v1: true }); // 24 s, 384 KB
    const { job, segments } = await transcribe(mp3, "episode.mp3", "audio/mpeg", 100_000);
    expect(job.status).toBe("done");
    expect(server.transcriptions).toHaveLength(4);
    for (const request of server.transcriptions) {
      expect(request.bytes[0]).toBe(0xff);
      expect(request.bytes.length).toBeLessThanOrEqual(100_000);
    }
    const framesPerPiece = Math.floor(100_000 / MP3_FRAME_BYTES);
    expect(segments.filter((_, i) => i % 2 === 0).map((s) => s.startMs)).toEqual(
      [0, 1, 2, 3].map((n) => n * framesPerPiece * MP3_FRAME_MS),
    );
    for (const segment of segments) expect(segment.startMs).toBe(Number(segment.text.replace("audio@", "")));
    expect(segments.at(-1)!.endMs).toBe(1000 * MP3_FRAME_MS);
  });

  it("sends a file within the limit whole, and fails a too-large file it cannot split with a reason", async () => {
    const small = await transcribe(markedWav(1), "short.wav", "audio/wav", 1_000_000);
    expect(server.transcriptions).toHaveLength(1);
    expect(server.transcriptions[0].filename).toBe("short.wav");
    expect(small.segments.map((s) => [s.startMs, s.endMs])).toEqual([
      [0, 500],
      [500, 1000],
    ]);

    const m4a = new Uint8Array(50_000).fill(7);
    const big = await transcribe(m4a, "talk.m4a", "audio/mp4", 20_000);
    expect(server.transcriptions).toHaveLength(0);
    expect(big.job.status).toBe("failed");
    expect(big.job.lastError).toBe(
      "This file is 50 KB, more than the 20 KB a transcription provider accepts in one request, and only WAV and MP3 files can be split automatically. Convert it to MP3 or WAV and upload it again.",
    );
    expect(big.transcript).toBeUndefined();
  });
});
