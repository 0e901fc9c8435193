import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { normalizeLanguage } from "../../server/services/transcription/languages";
import { configuredTranscriptionProviders } from "../../server/services/transcription/provider-config";
import {
  classifyWorkersAiError,
  openAiTranscriptionProvider,
  ProviderError,
  transcriptionProvidersFromEnv,
  MAX_CHUNK_BYTES,
  OPENAI_DEFAULT_MAX_BYTES,
  workersAiTranscriptionProvider,
} from "../../server/services/transcription/providers";
import { llmProvidersFromEnv } from "../../server/services/transcription/summary";
import { fakeAi, fakeOpenAi, markedWav } from "../support/transcripts";

const request = (language: string | null = null) => ({
  audio: new Uint8Array(markedWav(1)),
  contentType: "audio/wav",
  filename: "a.wav",
  language,
});

describe("the OpenAI-compatible transcription client", () => {
  const server = fakeOpenAi();
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => server.reset());
  const provider = () => openAiTranscriptionProvider({ baseUrl, apiKey: "sk-test" });

  it("sends the file as multipart with verbose_json, segment timestamps and the language hint", async () => {
    const result = await provider().transcribe(request("nl"));
    expect(server.transcriptions[0]).toMatchObject({
      filename: "a.wav",
      model: "whisper-1",
      language: "nl",
      responseFormat: "verbose_json",
      granularities: ["segment"],
    });
    expect(server.transcriptions[0].headers.authorization).toBe("Bearer sk-test");
    expect(result).toEqual({
      language: "en",
      segments: [
        { startMs: 0, endMs: 500, text: "audio@0", speaker: null },
        { startMs: 500, endMs: 1000, text: "audio@500", speaker: null },
      ],
    });
  });

  it("keeps speaker labels when the provider gives them, and makes one segment of a plain-text answer", async () => {
    server.replyTranscription({
      status: 200,
      body: {
        text: "Hi. Hello.",
        segments: [
          { start: 0, end: 1.5, text: " Hi.", speaker: "A" },
          { start: 1.5, end: 2, text: "Hello.", speaker: "B" },
        ],
      },
    });
    expect((await provider().transcribe(request())).segments.map((s) => s.speaker)).toEqual(["A", "B"]);
    server.replyTranscription({ status: 200, body: { text: " Just text." } });
    expect(await provider().transcribe(request())).toEqual({
      language: null,
      segments: [{ startMs: 0, endMs: 0, text: "Just text." }],
    });
  });

  it("classifies failures: 5xx, 429, a garbled 200 and no connection are transient; other 4xx are permanent", async () => {
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (e: unknown) => e as ProviderError,
      );
    server.failNext(1, 502, "Bad gateway");
    expect(await failure(provider().transcribe(request()))).toMatchObject({
      transient: true,
      message: "The transcription endpoint answered 502: Bad gateway",
    });
    server.failNext(1, 429, "Rate limit reached");
    expect(await failure(provider().transcribe(request()))).toMatchObject({ transient: true });
    server.failNext(1, 413, "Maximum content size limit exceeded");
    const tooLarge = await failure(provider().transcribe(request()));
    // The message is shown to creators as the job's last error: no setting names (issue 11, item 7).
    expect(tooLarge?.message).not.toMatch(/[A-Z]+_[A-Z_]+/);
    expect(tooLarge).toMatchObject({
      transient: false,
      message: expect.stringMatching(
        /^The transcription endpoint answered 413: Maximum content size limit exceeded \(the pieces this file is sent in are larger than the service accepts; whoever runs Greenroom can make them smaller\)$/,
      ),
    });
    server.replyTranscription({ status: 200, body: "<html>proxy error</html>" });
    expect(await failure(provider().transcribe(request()))).toMatchObject({ transient: true });
    const closed = openAiTranscriptionProvider({ baseUrl: "http://127.0.0.1:9/v1", apiKey: "k" });
    expect(await failure(closed.transcribe(request()))).toMatchObject({ transient: true, provider: "openai" });
  });
});

describe("the Workers AI adapter (against a stand-in for the binding)", () => {
  it("sends base64 audio and the language, and maps segments and the detected language", async () => {
    const { ai, calls } = fakeAi();
    const result = await workersAiTranscriptionProvider({ ai }).transcribe(request("de"));
    expect(calls[0].model).toBe("@cf/openai/whisper-large-v3-turbo");
    expect(calls[0].inputs).toMatchObject({ task: "transcribe", language: "de" });
    expect(Buffer.from(calls[0].inputs.audio as string, "base64")).toEqual(Buffer.from(markedWav(1)));
    expect(result).toEqual({ language: "en", segments: [{ startMs: 0, endMs: 1000, text: "Hello from Workers AI." }] });
  });

  it("treats bad input, unknown models and refused accounts as permanent, capacity and timeouts as transient", () => {
    expect(classifyWorkersAiError(new Error("AiError: 3006: Request is too large")).transient).toBe(false);
    expect(classifyWorkersAiError(new Error("5004: Invalid data type for base64 input")).transient).toBe(false);
    expect(classifyWorkersAiError(new Error("3040: No more data centers to forward the request to")).transient).toBe(
      true,
    );
    expect(classifyWorkersAiError(new Error("3007: Request timeout")).transient).toBe(true);
    expect(classifyWorkersAiError(new Error("network connection lost")).transient).toBe(true);
  });
});

describe("configuration", () => {
  it("builds providers in the configured order with the configured limits", () => {
    const { ai } = fakeAi();
    const providers = transcriptionProvidersFromEnv({
      TRANSCRIPTION_PROVIDERS: "openai,workers-ai",
      AI: ai,
      OPENAI_BASE_URL: "http://x/v1",
      OPENAI_API_KEY: "k",
      OPENAI_TRANSCRIPTION_MAX_BYTES: "1000000",
    });
    expect(providers.map((p) => [p.id, p.maxBytes])).toEqual([
      ["openai", 1_000_000],
      ["workers-ai", 4 * 1024 * 1024],
    ]);
    expect(configuredTranscriptionProviders({ TRANSCRIPTION_PROVIDERS: "openai" })).toEqual([]);
  });

  it("defaults to OpenAI's 25 MB limit and never lets a configured limit exceed what a Worker can hold", () => {
    const limitFor = (value?: string) =>
      transcriptionProvidersFromEnv({
        TRANSCRIPTION_PROVIDERS: "openai",
        OPENAI_BASE_URL: "http://x/v1",
        OPENAI_API_KEY: "k",
        OPENAI_TRANSCRIPTION_MAX_BYTES: value,
      })[0].maxBytes;
    expect(limitFor(undefined)).toBe(OPENAI_DEFAULT_MAX_BYTES);
    expect(limitFor("200000000")).toBe(MAX_CHUNK_BYTES);
  });

  it("enables a summary model only when named in LLM_PROVIDERS and usable", () => {
    const { ai } = fakeAi();
    expect(llmProvidersFromEnv({ OPENAI_BASE_URL: "http://x/v1", OPENAI_API_KEY: "k", AI: ai })).toEqual([]);
    expect(llmProvidersFromEnv({ LLM_PROVIDERS: "openai" }).map((p) => p.id)).toEqual([]);
    expect(
      llmProvidersFromEnv({
        LLM_PROVIDERS: "workers-ai, openai",
        AI: ai,
        OPENAI_BASE_URL: "http://x/v1",
        OPENAI_API_KEY: "k",
      }).map((p) => p.id),
    ).toEqual(["workers-ai", "openai"]);
  });

  it("normalises reported languages to codes", () => {
    expect([
      normalizeLanguage("english"),
      normalizeLanguage("EN"),
      normalizeLanguage("pt-BR"),
      normalizeLanguage("klingon"),
      normalizeLanguage(null),
    ]).toEqual(["en", "en", "pt", "klingon", null]);
  });
});
