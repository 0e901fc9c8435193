import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findLocalEngine,
  INSTALL_HINT,
  segmentsFromWordTimes,
  startLocalTranscriptionServer,
  type LocalTranscriptionServer,
} from "../../scripts/local-transcription";
import { ProviderError, transcriptionProvidersFromEnv } from "../../server/services/transcription/providers";

/**
 * The offline engine behind the real provider client (ADR 020), with real speech made offline by espeak-ng
 * (`.ci/run` installs pocketsphinx, pocketsphinx-en-us and espeak-ng). Recognition is about 30% wrong on real
 * speech and worse on synthetic speech, so this checks the shape and timing of the transcript, not its words.
 */
const SENTENCE =
  "Welcome to the Greenroom podcast. Today we talk about gardening in the spring. Thank you for listening.";

let scratch: string;
let speech: Uint8Array<ArrayBuffer>;
let server: LocalTranscriptionServer;

beforeAll(async () => {
  const engine = findLocalEngine();
  if (!engine) throw new Error(`pocketsphinx is not installed: ${INSTALL_HINT}`);
  scratch = mkdtempSync(path.join(tmpdir(), "greenroom-speech-"));
  const file = path.join(scratch, "speech.wav");
  // espeak-ng writes 22.05 kHz mono, so the server's resampling to 16 kHz is exercised too.
  execFileSync("espeak-ng", ["-w", file, SENTENCE]);
  speech = new Uint8Array(readFileSync(file));
  server = await startLocalTranscriptionServer({ engine });
});

afterAll(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const audioSeconds = () => new DataView(speech.buffer).getUint32(40, true) / 2 / 22_050;

function localProvider() {
  const providers = transcriptionProvidersFromEnv({ ENVIRONMENT: "development", LOCAL_TRANSCRIPTION_URL: server.url });
  expect(providers.map((p) => p.id)).toEqual(["local"]);
  return providers[0]!;
}

describe("the local transcription engine", () => {
  it("turns real speech into timed English segments through the OpenAI-compatible client", async () => {
    const result = await localProvider().transcribe({
      audio: speech,
      contentType: "audio/wav",
      filename: "speech.wav",
      language: "en",
    });
    expect(result.language).toBe("en");
    expect(result.segments.length).toBeGreaterThan(0);
    const duration = audioSeconds() * 1000;
    let previousEnd = 0;
    for (const segment of result.segments) {
      expect(segment.text).toMatch(/^[a-z']+( [a-z']+)*$/);
      expect(segment.startMs).toBeGreaterThanOrEqual(previousEnd);
      expect(segment.endMs).toBeGreaterThan(segment.startMs);
      previousEnd = segment.endMs;
    }
    // The words cover most of the clip and end inside it.
    expect(previousEnd).toBeLessThanOrEqual(duration + 100);
    expect(previousEnd - result.segments[0]!.startMs).toBeGreaterThan(duration * 0.6);
    expect(result.segments.flatMap((s) => s.text.split(" ")).length).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it("refuses another language permanently, saying a real provider is needed", async () => {
    const failure = await localProvider()
      .transcribe({ audio: speech, contentType: "audio/wav", filename: "speech.wav", language: "de" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).transient).toBe(false);
    expect((failure as ProviderError).message).toMatch(/English only.*real provider/);
  });

  it("refuses what it cannot decode permanently, naming ffmpeg", async () => {
    const failure = await localProvider()
      .transcribe({
        audio: new TextEncoder().encode("not audio at all"),
        contentType: "audio/mpeg",
        filename: "x.mp3",
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).transient).toBe(false);
    expect((failure as ProviderError).message).toMatch(/ffmpeg/);
  });

  it("groups pocketsphinx's word times into segments, dropping pauses, fillers and pronunciation variants", () => {
    const output = [
      "hello world",
      "<s> 0.000 0.100 1.0",
      "hello 0.110 0.400 0.9",
      "<sil> 0.410 0.500 1.0",
      "world(2) 0.510 0.900 0.8",
      "</s> 0.910 1.000 1.0",
      "again",
      "<s> 2.000 2.100 1.0",
      "[NOISE] 2.110 2.200 1.0",
      "again 2.210 2.600 0.7",
      "</s> 2.610 2.700 1.0",
    ].join("\n");
    expect(segmentsFromWordTimes(output)).toEqual([
      { start: 0.11, end: 0.9, text: "hello world" },
      { start: 2.21, end: 2.6, text: "again" },
    ]);
  });

  it("is the default provider only in a local environment and only while TRANSCRIPTION_PROVIDERS leaves it so", () => {
    const url = "http://127.0.0.1:9/v1";
    const ids = (env: Record<string, string>) => transcriptionProvidersFromEnv(env).map((p) => p.id);
    expect(ids({ ENVIRONMENT: "development", LOCAL_TRANSCRIPTION_URL: url })).toEqual(["local"]);
    expect(ids({ ENVIRONMENT: "production", LOCAL_TRANSCRIPTION_URL: url })).toEqual([]);
    expect(
      ids({
        ENVIRONMENT: "development",
        LOCAL_TRANSCRIPTION_URL: url,
        TRANSCRIPTION_PROVIDERS: "openai",
        OPENAI_BASE_URL: "https://api.example.com/v1",
        OPENAI_API_KEY: "k",
      }),
    ).toEqual(["openai"]);
    expect(
      ids({
        ENVIRONMENT: "development",
        LOCAL_TRANSCRIPTION_URL: url,
        TRANSCRIPTION_PROVIDERS: "openai,local",
        OPENAI_BASE_URL: "https://api.example.com/v1",
        OPENAI_API_KEY: "k",
      }),
    ).toEqual(["openai", "local"]);
  });
});
