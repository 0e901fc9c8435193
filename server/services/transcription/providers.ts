import { Buffer } from "node:buffer";
import * as z from "zod";
import type { Env } from "../../env";
import { normalizeLanguage } from "./languages";
import {
  configuredTranscriptionProviders,
  localEngineUrl,
  type ProviderConfigEnv,
  type TranscriptionProviderId,
} from "./provider-config";
import { cleanExternalText, parseExternalJson } from "../../lib/text";

export interface TranscribedSegment {
  startMs: number;
  endMs: number;
  text: string;
  speaker?: string | null;
}

export interface TranscriptionResult {
  /** ISO 639-1 code when the provider reports one. */
  language: string | null;
  segments: TranscribedSegment[];
}

export interface TranscriptionRequest {
  audio: Uint8Array<ArrayBuffer>;
  contentType: string;
  filename: string;
  /** A hint; null lets the provider detect the language. */
  language?: string | null;
}

/** One speech-to-text backend. `maxBytes` is the largest file it accepts in one request. */
export interface TranscriptionProvider {
  id: TranscriptionProviderId;
  maxBytes: number;
  transcribe(request: TranscriptionRequest): Promise<TranscriptionResult>;
}

/**
 * A provider's refusal or failure. Transient (network, timeout, 5xx, rate limits, capacity) is worth retrying,
 * possibly elsewhere; permanent (a bad request, a bad key, a file it will never accept) is not.
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly transient: boolean,
  ) {
    // Messages carry provider text (error bodies) into lastError columns.
    super(cleanExternalText(message));
    this.name = "ProviderError";
  }
}

/** 408 and 429 are the only 4xx answers that can change on their own. */
export const isTransientStatus = (status: number) => status >= 500 || status === 429 || status === 408;

/** OpenAI documents 25 MB per request; Groq and most self-hosted Whisper servers take at least that. */
export const OPENAI_DEFAULT_MAX_BYTES = 25_000_000;
/** A whole chunk must finish well inside the queue consumer's 15-minute wall-clock limit. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;

const ZVerboseTranscription = z.object({
  text: z.string().optional(),
  language: z.string().nullish(),
  duration: z.number().nullish(),
  segments: z
    .array(z.object({ start: z.number(), end: z.number(), text: z.string(), speaker: z.string().nullish() }))
    .nullish(),
});

/** Whatever a model that ignores verbose_json returns (plain `text`) still becomes one timed segment. */
function segmentsFrom(body: z.infer<typeof ZVerboseTranscription>): TranscribedSegment[] {
  if (body.segments?.length) {
    return body.segments.map((s) => ({
      startMs: Math.round(s.start * 1000),
      endMs: Math.round(s.end * 1000),
      text: s.text.trim(),
      speaker: s.speaker ?? null,
    }));
  }
  const text = body.text?.trim();
  return text ? [{ startMs: 0, endMs: Math.round((body.duration ?? 0) * 1000), text }] : [];
}

/**
 * Any OpenAI-compatible `POST {baseUrl}/audio/transcriptions` (OpenAI, Groq, faster-whisper-server, ...):
 * multipart upload, `verbose_json` with segment timestamps.
 */
export function openAiTranscriptionProvider(opts: {
  /** "local" for the offline engine `npm run dev` serves with the same protocol (ADR 020). */
  id?: "openai" | "local";
  baseUrl: string;
  apiKey: string;
  model?: string;
  maxBytes?: number;
  fetch?: typeof fetch;
}): TranscriptionProvider {
  const baseUrl = opts.baseUrl.replace(/\/$/, "");
  const doFetch = opts.fetch ?? fetch;
  const id = opts.id ?? "openai";
  return {
    id,
    maxBytes: opts.maxBytes ?? OPENAI_DEFAULT_MAX_BYTES,
    async transcribe(request) {
      const form = new FormData();
      form.append("file", new Blob([request.audio], { type: request.contentType }), request.filename);
      form.append("model", opts.model ?? "whisper-1");
      form.append("response_format", "verbose_json");
      form.append("timestamp_granularities[]", "segment");
      if (request.language) form.append("language", request.language);
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}/audio/transcriptions`, {
          method: "POST",
          headers: { authorization: `Bearer ${opts.apiKey}` },
          body: form,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        throw new ProviderError(
          id,
          `Could not reach the transcription endpoint ${baseUrl}: ${(error as Error).message}`,
          true,
        );
      }
      const raw = await response.text();
      if (!response.ok) {
        // A self-hosted server may accept less than OpenAI's 25 MB. The message reaches creators (the job's last
        // error), so it says what happened in their words; the setting that fixes it is in the README's table.
        const hint =
          response.status === 413
            ? " (the pieces this file is sent in are larger than the service accepts; whoever runs Greenroom can make them smaller)"
            : "";
        throw new ProviderError(
          id,
          `The transcription endpoint answered ${response.status}: ${errorMessageOf(raw)}${hint}`,
          isTransientStatus(response.status),
        );
      }
      const body = ZVerboseTranscription.safeParse(parseJson(raw));
      if (!body.success)
        throw new ProviderError(
          id,
          "The transcription endpoint answered 200 with a body that is not a transcription.",
          true,
        );
      return { language: normalizeLanguage(body.data.language), segments: segmentsFrom(body.data) };
    },
  };
}

function parseJson(raw: string): unknown {
  try {
    return parseExternalJson(raw);
  } catch {
    return undefined;
  }
}

/** OpenAI-style `{ error: { message } }`, a bare `{ message }`, or the first bit of whatever came back. */
export function errorMessageOf(raw: string): string {
  const body = parseJson(raw) as { error?: { message?: unknown } | string; message?: unknown } | undefined;
  const message = typeof body?.error === "string" ? body.error : (body?.error?.message ?? body?.message);
  return (typeof message === "string" && message) || raw.trim().slice(0, 300) || "no message";
}

export const WORKERS_AI_WHISPER_MODEL = "@cf/openai/whisper-large-v3-turbo";
/**
 * No input limit is documented for the model; the audio travels base64-encoded inside the binding call, and
 * Cloudflare's own chunking tutorial sends about 1 MB at a time. 4 MiB keeps each call small and few.
 */
export const WORKERS_AI_MAX_BYTES = 4 * 1024 * 1024;

/** Workers AI error codes that no retry can fix (bad input, unknown model, account refused, too large). */
const WORKERS_AI_PERMANENT_CODES = new Set([5007, 5004, 3039, 3003, 5018, 5016, 3023, 3041, 5019, 5005, 3042, 3006]);

export function classifyWorkersAiError(error: unknown): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  const code = Number(/\b([35]\d{3})\b/.exec(message)?.[1]);
  return new ProviderError("workers-ai", `Workers AI failed: ${message}`, !WORKERS_AI_PERMANENT_CODES.has(code));
}

/** Whisper large-v3-turbo through the Worker's AI binding. */
export function workersAiTranscriptionProvider(opts: { ai: Ai; maxBytes?: number }): TranscriptionProvider {
  return {
    id: "workers-ai",
    maxBytes: opts.maxBytes ?? WORKERS_AI_MAX_BYTES,
    async transcribe(request) {
      let output: Ai_Cf_Openai_Whisper_Large_V3_Turbo_Output;
      try {
        output = await opts.ai.run(WORKERS_AI_WHISPER_MODEL, {
          audio: Buffer.from(request.audio.buffer, request.audio.byteOffset, request.audio.byteLength).toString(
            "base64",
          ),
          task: "transcribe",
          ...(request.language ? { language: request.language } : {}),
        });
      } catch (error) {
        throw classifyWorkersAiError(error);
      }
      const segments = (output.segments ?? [])
        .filter((s) => typeof s.start === "number" && typeof s.end === "number" && s.text?.trim())
        .map((s) => ({ startMs: Math.round(s.start! * 1000), endMs: Math.round(s.end! * 1000), text: s.text!.trim() }));
      const text = output.text?.trim();
      const duration = output.transcription_info?.duration ?? 0;
      return {
        language: normalizeLanguage(output.transcription_info?.language),
        segments: segments.length > 0 || !text ? segments : [{ startMs: 0, endMs: Math.round(duration * 1000), text }],
      };
    },
  };
}

type ProviderEnv = ProviderConfigEnv & Pick<Env, "OPENAI_TRANSCRIPTION_MODEL" | "OPENAI_TRANSCRIPTION_MAX_BYTES">;

/**
 * The local engine decodes each request whole and needs about 0.3 CPU-seconds per audio second; 8 MB pieces (about
 * 90 s of CD-quality WAV, far more of MP3) keep one request well under a minute of work.
 */
export const LOCAL_ENGINE_MAX_BYTES = 8_000_000;

/**
 * A chunk is held in memory at least twice (the bytes and the multipart form) inside a 128 MB Worker, so a
 * configured per-request limit above this is lowered to it; larger files are still split.
 */
export const MAX_CHUNK_BYTES = 40_000_000;

/** The configured providers, in the fallback order of TRANSCRIPTION_PROVIDERS. */
export function transcriptionProvidersFromEnv(env: ProviderEnv): TranscriptionProvider[] {
  return configuredTranscriptionProviders(env).map((id) =>
    id === "workers-ai"
      ? workersAiTranscriptionProvider({ ai: env.AI! })
      : id === "local"
        ? openAiTranscriptionProvider({
            id,
            baseUrl: localEngineUrl(env)!,
            apiKey: "local",
            model: "pocketsphinx-en-us",
            maxBytes: LOCAL_ENGINE_MAX_BYTES,
          })
        : openAiTranscriptionProvider({
            baseUrl: env.OPENAI_BASE_URL!,
            apiKey: env.OPENAI_API_KEY!,
            model: env.OPENAI_TRANSCRIPTION_MODEL || undefined,
            maxBytes: Math.min(Number(env.OPENAI_TRANSCRIPTION_MAX_BYTES) || OPENAI_DEFAULT_MAX_BYTES, MAX_CHUNK_BYTES),
          }),
  );
}
