/**
 * The offline transcription engine `npm run dev` serves on loopback (ADR 020): Debian's pocketsphinx (0.8,
 * `pocketsphinx_continuous`) with its US English model behind the OpenAI-compatible
 * `POST /v1/audio/transcriptions` (multipart, `verbose_json` with timed segments), so the Worker reaches it through
 * the same client it uses for OpenAI, Groq or a self-hosted Whisper.
 *
 * WAV is decoded here (any PCM or float WAV, down-mixed and resampled to the 16 kHz mono 16-bit the model needs);
 * MP3, M4A, WebM and anything else go through ffmpeg when it is installed, and are refused with what to install
 * when it is not. One file is recognised at a time: the engine is CPU-bound.
 */
import { spawn } from "node:child_process";
import { accessSync, constants as fsConstants, existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";

const MODEL_DIRS = ["/usr/share/pocketsphinx/model/en-us"];
const SAMPLE_RATE = 16_000;
/** Larger than any piece the Worker sends (LOCAL_ENGINE_MAX_BYTES) with room for the multipart envelope. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Long utterances are cut at a pause after this long, so a transcript line stays readable and seekable. */
const MAX_SEGMENT_SECONDS = 12;

export const INSTALL_HINT = "sudo apt-get install pocketsphinx pocketsphinx-en-us";

export interface LocalEngine {
  recognizer: string;
  /** The acoustic model folder, language model and dictionary of pocketsphinx-en-us. */
  model: { hmm: string; lm: string; dict: string };
  /** Decodes compressed formats; optional (WAV needs nothing else). */
  ffmpeg: string | null;
}

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/** The installed engine, or null when pocketsphinx or its English model is missing. */
export function findLocalEngine(): LocalEngine | null {
  const recognizer = onPath("pocketsphinx_continuous");
  const dir = MODEL_DIRS.find((candidate) => existsSync(path.join(candidate, "en-us", "mdef")));
  if (!recognizer || !dir) return null;
  return {
    recognizer,
    model: {
      hmm: path.join(dir, "en-us"),
      lm: path.join(dir, "en-us.lm.bin"),
      dict: path.join(dir, "cmudict-en-us.dict"),
    },
    ffmpeg: onPath("ffmpeg"),
  };
}

// ---------------------------------------------------------------------------------------------- Decoding

class RequestProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Samples in [-1, 1], mono, at the file's own rate; null when the bytes are not a WAV this can read. */
function decodeWav(bytes: Uint8Array): { samples: Float32Array; rate: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.byteLength < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") return null;
  let format: { code: number; channels: number; rate: number; bits: number } | null = null;
  let data: Uint8Array | null = null;
  for (let offset = 12; offset + 8 <= bytes.byteLength;) {
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (tag(offset) === "fmt " && size >= 16) {
      const code = view.getUint16(body, true);
      format = {
        // WAVE_FORMAT_EXTENSIBLE names the real format in its sub-format GUID's first two bytes.
        code: code === 0xfffe && size >= 26 ? view.getUint16(body + 24, true) : code,
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (tag(offset) === "data") {
      // A streamed WAV may announce a size it never reached; read what is there.
      data = bytes.subarray(body, Math.min(bytes.byteLength, body + size));
      break;
    }
    offset = body + size + (size % 2);
  }
  if (!format || !data || format.channels < 1 || format.rate < 1) return null;
  const { code, channels, bits } = format;
  const width = bits / 8;
  const read: ((at: number) => number) | null =
    code === 1 && bits === 16
      ? (at) => view.getInt16(at, true) / 32768
      : code === 1 && bits === 8
        ? (at) => (view.getUint8(at) - 128) / 128
        : code === 1 && bits === 24
          ? (at) => (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608
          : code === 1 && bits === 32
            ? (at) => view.getInt32(at, true) / 2147483648
            : code === 3 && bits === 32
              ? (at) => view.getFloat32(at, true)
              : null;
  if (!read) return null;
  const start = data.byteOffset - bytes.byteOffset;
  const frames = Math.floor(data.byteLength / (width * channels));
  const samples = new Float32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) sum += read(start + (frame * channels + channel) * width);
    samples[frame] = sum / channels;
  }
  return { samples, rate: format.rate };
}

/**
 * 16 kHz by averaging the source samples each output sample covers (a box filter, enough against aliasing for
 * speech) or by linear interpolation when the source is slower.
 */
function resample(samples: Float32Array, rate: number): Float32Array {
  if (rate === SAMPLE_RATE) return samples;
  const ratio = rate / SAMPLE_RATE;
  const out = new Float32Array(Math.floor(samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const from = i * ratio;
    if (ratio > 1) {
      const end = Math.min(samples.length, Math.floor(from + ratio));
      let sum = 0;
      for (let j = Math.floor(from); j < end; j++) sum += samples[j]!;
      out[i] = sum / Math.max(1, end - Math.floor(from));
    } else {
      const j = Math.floor(from);
      const next = samples[Math.min(samples.length - 1, j + 1)]!;
      out[i] = samples[j]! + (next - samples[j]!) * (from - j);
    }
  }
  return out;
}

function wav16k(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) =>
    [...text].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, bytes.byteLength - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++)
    view.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), true);
  return bytes;
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Writes the audio as a 16 kHz mono 16-bit WAV into `dir` and returns its path and duration in seconds. */
async function prepareAudio(engine: LocalEngine, audio: Uint8Array, dir: string) {
  const target = path.join(dir, "speech.wav");
  const wav = decodeWav(audio);
  if (wav) {
    const samples = resample(wav.samples, wav.rate);
    await writeFile(target, wav16k(samples));
    return { file: target, duration: samples.length / SAMPLE_RATE };
  }
  if (!engine.ffmpeg)
    throw new RequestProblem(
      415,
      "The local transcription engine reads WAV files only; install ffmpeg (sudo apt-get install ffmpeg) to " +
        "transcribe MP3, M4A and WebM with it.",
    );
  const source = path.join(dir, "upload");
  await writeFile(source, audio);
  const decoded = await run(engine.ffmpeg, [
    ...["-hide_banner", "-loglevel", "error", "-nostdin", "-i", source],
    ...["-vn", "-ac", "1", "-ar", String(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "wav", target],
  ]);
  if (decoded.code !== 0)
    throw new RequestProblem(400, `ffmpeg could not decode the audio: ${decoded.stderr.trim().slice(-300)}`);
  const bytes = await readFile(target);
  return { file: target, duration: Math.max(0, bytes.byteLength - 44) / 2 / SAMPLE_RATE };
}

// ------------------------------------------------------------------------------------------- Recognition

export interface Segment {
  start: number;
  end: number;
  text: string;
}

/**
 * pocketsphinx_continuous with `-time yes` prints, per utterance, the hypothesis and then one line per word:
 * `word start end confidence`, between `<s>` and `</s>`, with `<sil>` and filler tokens for pauses and noise.
 */
export function segmentsFromWordTimes(output: string): Segment[] {
  const segments: Segment[] = [];
  let words: { word: string; start: number; end: number }[] = [];
  const flush = () => {
    if (words.length > 0)
      segments.push({
        start: words[0]!.start,
        end: words[words.length - 1]!.end,
        text: words.map((w) => w.word).join(" "),
      });
    words = [];
  };
  for (const line of output.split("\n")) {
    const match = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/.exec(line.trim());
    if (!match) continue;
    const [, token, start, end] = match as unknown as [string, string, string, string];
    if (token === "<s>" || token === "</s>") {
      flush();
      continue;
    }
    const isPause = token === "<sil>" || /^\[.*\]$|^\+\+.*\+\+$|^<.*>$/.test(token);
    if (isPause) {
      if (words.length > 0 && Number(end) - words[0]!.start >= MAX_SEGMENT_SECONDS) flush();
      continue;
    }
    words.push({ word: token.replace(/\(\d+\)$/, ""), start: Number(start), end: Number(end) });
  }
  flush();
  return segments;
}

async function recognise(engine: LocalEngine, file: string): Promise<Segment[]> {
  const result = await run(engine.recognizer, [
    ...["-infile", file, "-time", "yes", "-logfn", "/dev/null"],
    ...["-hmm", engine.model.hmm, "-lm", engine.model.lm, "-dict", engine.model.dict],
  ]);
  if (result.code !== 0)
    throw new RequestProblem(500, `pocketsphinx failed (exit ${result.code}): ${result.stderr.trim().slice(-300)}`);
  return segmentsFromWordTimes(result.stdout);
}

// ------------------------------------------------------------------------------------------------ Server

function send(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

async function readForm(request: IncomingMessage): Promise<FormData> {
  const declared = Number(request.headers["content-length"]);
  if (declared > MAX_BODY_BYTES) throw new RequestProblem(413, `Bodies over ${MAX_BODY_BYTES} bytes are refused.`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
  const web = new Request("http://local/", {
    method: "POST",
    headers,
    body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  try {
    return await web.formData();
  } catch {
    throw new RequestProblem(400, "Send the audio as multipart/form-data with a `file` field.");
  }
}

export interface LocalTranscriptionServer {
  /** The OpenAI-compatible base URL, with /v1. */
  url: string;
  close(): Promise<void>;
}

export async function startLocalTranscriptionServer(opts: {
  engine: LocalEngine;
  host?: string;
  port?: number;
}): Promise<LocalTranscriptionServer> {
  const host = opts.host ?? "127.0.0.1";
  let queue: Promise<unknown> = Promise.resolve();
  /** One recognition at a time, in arrival order. */
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://local");
    if (url.pathname !== "/v1/audio/transcriptions" || request.method !== "POST")
      return send(response, 404, { error: { message: "Only POST /v1/audio/transcriptions is served here." } });
    const form = await readForm(request);
    const file = form.get("file");
    if (!(file instanceof Blob)) throw new RequestProblem(400, "The request has no `file`.");
    const language = form.get("language");
    if (typeof language === "string" && language && !/^en(\b|[-_])/i.test(language))
      throw new RequestProblem(
        400,
        `The local transcription engine understands English only, not "${language}"; a real provider is needed.`,
      );
    const audio = new Uint8Array(await file.arrayBuffer());
    const result = await serialised(async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "greenroom-stt-"));
      try {
        const prepared = await prepareAudio(opts.engine, audio, dir);
        return { duration: prepared.duration, segments: await recognise(opts.engine, prepared.file) };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    send(response, 200, {
      task: "transcribe",
      language: "english",
      duration: result.duration,
      text: result.segments.map((s) => s.text).join(" "),
      segments: result.segments.map((s, id) => ({ id, start: s.start, end: s.end, text: s.text })),
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof RequestProblem ? error.status : 500;
      if (!response.headersSent) send(response, status, { error: { message: (error as Error).message } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
