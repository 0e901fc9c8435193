import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "../../db/client";
import { mediaObjects, transcriptionJobs, transcripts, transcriptSegments } from "../../db/schema";

/** A ready audio file row (and, given a bucket and bytes, its object in R2). */
export async function insertAudio(
  db: Database,
  workspaceId: string,
  opts: {
    bytes?: Uint8Array;
    bucket?: R2Bucket;
    filename?: string;
    contentType?: string;
    status?: "uploading" | "verifying" | "ready" | "rejected";
  } = {},
) {
  const r2Key = `w/${workspaceId}/${randomUUID()}`;
  const size = opts.bytes?.length ?? 1000;
  if (opts.bucket && opts.bytes) await opts.bucket.put(r2Key, opts.bytes);
  const [media] = await db
    .insert(mediaObjects)
    .values({
      workspaceId,
      r2Key,
      filename: opts.filename ?? "episode.wav",
      contentType: opts.contentType ?? "audio/wav",
      kind: "audio",
      declaredSize: size,
      size,
      status: opts.status ?? "ready",
    })
    .returning();
  return media;
}

/** A finished transcript written straight to the tables, for tests about reading and editing it. */
export async function insertTranscript(
  db: Database,
  workspaceId: string,
  opts: {
    mediaId?: string;
    segments?: { startMs: number; endMs: number; text: string; speaker?: string }[];
    language?: string;
    /** Approved for the public page and feed (ADR 020); machine text starts private. */
    approved?: boolean;
  } = {},
) {
  const approvedAt = opts.approved ? new Date() : null;
  const mediaId = opts.mediaId ?? (await insertAudio(db, workspaceId)).id;
  const [job] = await db
    .insert(transcriptionJobs)
    .values({ workspaceId, mediaId, status: "done", progress: 100, attempts: 1, provider: "openai" })
    .returning();
  const [transcript] = await db
    .insert(transcripts)
    .values({
      workspaceId,
      mediaId,
      language: opts.language ?? "en",
      provider: "openai",
      transcriptPublishedAt: approvedAt,
      chaptersPublishedAt: approvedAt,
    })
    .returning();
  const segments = opts.segments ?? [
    { startMs: 0, endMs: 4000, text: "Welcome to the show." },
    { startMs: 4000, endMs: 9000, text: "Today we talk about microphones." },
  ];
  const rows = await db
    .insert(transcriptSegments)
    .values(
      segments.map((s, position) => ({
        workspaceId,
        transcriptId: transcript.id,
        position,
        startMs: s.startMs,
        endMs: s.endMs,
        text: s.text,
        speaker: s.speaker ?? null,
      })),
    )
    .returning();
  return { transcript, job, mediaId, segments: rows.sort((a, b) => a.position - b.position) };
}

// ---------------------------------------------------------------------------------------------------------------
// Audio built byte by byte, with markers the fake server reads back to know where in the original a piece starts.

/**
 * 16-bit mono PCM at 8 kHz whose sample n holds the value n, with a LIST chunk before the data (so the parser
 * must walk chunks). At most 65,536 samples (8.2 s).
 */
export function markedWav(seconds: number): Uint8Array {
  const samples = Math.round(seconds * 8000);
  if (samples > 65536) throw new Error("markedWav holds at most 65,536 samples");
  const list = new TextEncoder().encode("INFOISFT\x0e\x00\x00\x00Greenroom test");
  const listChunk = 8 + list.length + (list.length % 2);
  const out = new Uint8Array(12 + 24 + listChunk + 8 + samples * 2);
  const view = new DataView(out.buffer);
  const text = (offset: number, value: string) => out.set(new TextEncoder().encode(value), offset);
  text(0, "RIFF");
  view.setUint32(4, out.length - 8, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, 8000, true);
  view.setUint32(28, 16000, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true);
  text(36, "LIST");
  view.setUint32(40, list.length, true);
  out.set(list, 44);
  const data = 36 + listChunk;
  text(data, "data");
  view.setUint32(data + 4, samples * 2, true);
  for (let n = 0; n < samples; n++) view.setUint16(data + 8 + n * 2, n, true);
  return out;
}

/** MPEG-1 Layer III, 128 kbit/s, 48 kHz: every frame is exactly 384 bytes and 24 ms. */
export const MP3_FRAME_BYTES = 384;
export const MP3_FRAME_MS = 24;

/** `frames` CBR frames whose bytes 4-7 hold the frame's index, after an ID3v2 tag and before an ID3v1 tag. */
export function markedMp3(frames: number, opts: { id3v2BodyBytes?: number; id3v1?: boolean } = {}): Uint8Array {
  const id3Body = opts.id3v2BodyBytes ?? 0;
  const id3 = id3Body > 0 ? 10 + id3Body : 0;
  const out = new Uint8Array(id3 + frames * MP3_FRAME_BYTES + (opts.id3v1 ? 128 : 0));
  if (id3) {
    out.set([0x49, 0x44, 0x33, 3, 0, 0], 0);
    out.set([(id3Body >> 21) & 0x7f, (id3Body >> 14) & 0x7f, (id3Body >> 7) & 0x7f, id3Body & 0x7f], 6);
  }
  const view = new DataView(out.buffer);
  for (let i = 0; i < frames; i++) {
    const at = id3 + i * MP3_FRAME_BYTES;
    out.set([0xff, 0xfb, 0x94, 0xc0], at);
    view.setUint32(at + 4, i);
  }
  if (opts.id3v1) out.set(new TextEncoder().encode("TAG"), out.length - 128);
  return out;
}

/** Where a piece sent to the server begins in the original (ms), read from the markers; null if not a valid piece. */
export function pieceStartMs(file: Uint8Array): { startMs: number; durationMs: number } | { invalid: string } {
  const ascii = (offset: number, length: number) => String.fromCharCode(...file.subarray(offset, offset + length));
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (ascii(0, 4) === "RIFF") {
    if (ascii(8, 4) !== "WAVE" || view.getUint32(4, true) !== file.length - 8)
      return { invalid: "bad RIFF header or size" };
    let position = 12;
    while (position + 8 <= file.length) {
      const size = view.getUint32(position + 4, true);
      if (ascii(position, 4) === "data") {
        if (position + 8 + size > file.length || size % 2 !== 0)
          return { invalid: "data chunk size does not match the file" };
        return { startMs: (view.getUint16(position + 8, true) / 8000) * 1000, durationMs: (size / 16000) * 1000 };
      }
      position += 8 + size + (size % 2);
    }
    return { invalid: "no data chunk" };
  }
  if (file[0] === 0xff) {
    const frames = Math.floor(file.length / MP3_FRAME_BYTES);
    for (let i = 0; i < frames; i++) {
      if (file[i * MP3_FRAME_BYTES] !== 0xff || file[i * MP3_FRAME_BYTES + 1] !== 0xfb)
        return { invalid: `no frame header at frame ${i}` };
    }
    const rest = file.length - frames * MP3_FRAME_BYTES;
    if (
      rest !== 0 &&
      !(rest === 128 && String.fromCharCode(...file.subarray(file.length - 128, file.length - 125)) === "TAG")
    ) {
      return { invalid: "piece does not end on a frame boundary" };
    }
    return { startMs: view.getUint32(4) * MP3_FRAME_MS, durationMs: frames * MP3_FRAME_MS };
  }
  return { invalid: "neither WAV nor MP3" };
}

// ---------------------------------------------------------------------------------------------------------------
// A loopback server speaking OpenAI's POST /v1/audio/transcriptions and /v1/chat/completions.

export interface TranscriptionRequestSeen {
  headers: IncomingHttpHeaders;
  filename: string;
  model: string;
  language: string | null;
  responseFormat: string | null;
  granularities: string[];
  bytes: Uint8Array;
}

type Reply = { status: number; body: unknown };

/**
 * By default a transcription answers two segments per piece, each text naming the absolute time it really
 * starts at (read from the piece's markers), so a test can check the stitching. `failNext(n, status)` injects
 * failures; `reply` overrides the next answers.
 */
export function fakeOpenAi(opts: { apiKey?: string } = {}) {
  const apiKey = opts.apiKey ?? "sk-test";
  const transcriptions: TranscriptionRequestSeen[] = [];
  const chats: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  const failures: Reply[] = [];
  const transcriptionReplies: Reply[] = [];
  const chatReplies: Reply[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => void respond());
    const respond = async () => {
      const send = ({ status, body }: Reply) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return send({
          status: 401,
          body: { error: { message: "Incorrect API key provided.", type: "invalid_request_error" } },
        });
      const raw = Buffer.concat(chunks);
      if (req.method === "POST" && req.url === "/v1/audio/transcriptions") {
        const form = await new Request("http://fake/", {
          method: "POST",
          headers: { "content-type": req.headers["content-type"] ?? "" },
          body: raw,
        }).formData();
        const file = form.get("file") as File;
        const bytes = new Uint8Array(await file.arrayBuffer());
        transcriptions.push({
          headers: req.headers,
          filename: file.name,
          model: String(form.get("model")),
          language: (form.get("language") as string | null) ?? null,
          responseFormat: (form.get("response_format") as string | null) ?? null,
          granularities: form.getAll("timestamp_granularities[]").map(String),
          bytes,
        });
        const failure = failures.shift();
        if (failure) return send(failure);
        const override = transcriptionReplies.shift();
        if (override) return send(override);
        const piece = pieceStartMs(bytes);
        if ("invalid" in piece)
          return send({
            status: 400,
            body: { error: { message: `Invalid file format: ${piece.invalid}`, type: "invalid_request_error" } },
          });
        const half = piece.durationMs / 2;
        return send({
          status: 200,
          body: {
            task: "transcribe",
            language: "english",
            duration: piece.durationMs / 1000,
            text: "…",
            segments: [
              { id: 0, start: 0, end: half / 1000, text: ` audio@${Math.round(piece.startMs)}` },
              {
                id: 1,
                start: half / 1000,
                end: piece.durationMs / 1000,
                text: ` audio@${Math.round(piece.startMs + half)}`,
              },
            ],
          },
        });
      }
      if (req.method === "POST" && req.url === "/v1/chat/completions") {
        chats.push({ headers: req.headers, body: JSON.parse(raw.toString()) });
        const failure = failures.shift();
        if (failure) return send(failure);
        const reply = chatReplies.shift() ?? {
          status: 200,
          body: chatCompletion({
            summary: "A summary.",
            showNotes: "Notes.",
            chapters: [{ startMs: 0, title: "Start" }],
          }),
        };
        return send(reply);
      }
      send({ status: 404, body: { error: { message: `No route ${req.method} ${req.url}` } } });
    };
  });

  return {
    transcriptions,
    chats,
    failNext: (times: number, status = 503, message = "The server is overloaded.") => {
      for (let i = 0; i < times; i++) failures.push({ status, body: { error: { message, type: "server_error" } } });
    },
    replyTranscription: (reply: Reply) => void transcriptionReplies.push(reply),
    replyChat: (reply: Reply) => void chatReplies.push(reply),
    reset: () => {
      transcriptions.length = 0;
      chats.length = 0;
      failures.length = 0;
      transcriptionReplies.length = 0;
      chatReplies.length = 0;
    },
    start: () =>
      new Promise<string>((done) =>
        server.listen(0, "127.0.0.1", () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`)),
      ),
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** An OpenAI chat completion whose message content is `content` as JSON. */
export const chatCompletion = (content: unknown) => ({
  id: "chatcmpl-test",
  object: "chat.completion",
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: JSON.stringify(content) } }],
});

/**
 * A stand-in for the Workers AI binding, which only Cloudflare runs: it answers whisper-large-v3-turbo and the
 * chat model in their documented output shapes, or throws the given error.
 */
export function fakeAi(opts: { fail?: string; chat?: unknown; transcript?: { text: string } } = {}) {
  const calls: { model: string; inputs: Record<string, unknown> }[] = [];
  const ai = {
    async run(model: string, inputs: Record<string, unknown>) {
      calls.push({ model, inputs });
      if (opts.fail) throw new Error(opts.fail);
      if (model.includes("whisper")) {
        return {
          text: "Hello from Workers AI.",
          transcription_info: { language: "en", duration: 1 },
          segments: [{ start: 0, end: 1, text: opts.transcript?.text ?? " Hello from Workers AI." }],
        };
      }
      return {
        response: opts.chat ?? {
          summary: "AI summary.",
          showNotes: "AI notes.",
          chapters: [{ startMs: 0, title: "Opening" }],
        },
      };
    },
  };
  return { ai: ai as unknown as Ai, calls };
}
