import { parseRange } from "../../http/r2-range";
import { partLength, type Part } from "./stitch";

/**
 * Serves several byte ranges of stored objects as one file, with the same Range semantics as a single object
 * (server/http/r2-range.ts, RFC 9110 §14): one range per request (bytes=a-b, bytes=a-, bytes=-n), a multi-range
 * or malformed header served whole (200), a range starting past the end 416 with `bytes *\/size`, HEAD answered
 * with the whole file's headers. The ETag names the arrangement, so a player resuming with If-Range gets the
 * rest of the same bytes, or the whole new file (200) if its arrangement is no longer the one served.
 */

/** The pieces of the parts that cover bytes [start, end] (inclusive) of their concatenation, in order. */
export function slicesFor(parts: readonly Part[], start: number, end: number) {
  const slices: { part: Part; offset: number; length: number }[] = [];
  let partStart = 0;
  for (const part of parts) {
    const length = partLength(part);
    const partEnd = partStart + length; // exclusive
    const from = Math.max(start, partStart);
    const to = Math.min(end + 1, partEnd);
    if (to > from) slices.push({ part, offset: from - partStart, length: to - from });
    partStart = partEnd;
    if (partStart > end) break;
  }
  return slices;
}

/** Reads `length` bytes at `offset` of a stored object (an R2 ranged get's body). */
export type ReadObject = (key: string, offset: number, length: number) => Promise<ReadableStream<Uint8Array>>;

/** One stream of the slices, each read only when the previous one has been passed on. */
function concatenationStream(slices: ReturnType<typeof slicesFor>, read: ReadObject): ReadableStream<Uint8Array> {
  let index = 0;
  let current: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (current) {
          const { done, value } = await current.read();
          if (!done) {
            controller.enqueue(value);
            return;
          }
          current = null;
        }
        if (index >= slices.length) {
          controller.close();
          return;
        }
        const slice = slices[index++];
        if (slice.part.kind === "bytes") {
          controller.enqueue(slice.part.bytes.slice(slice.offset, slice.offset + slice.length));
          return;
        }
        current = (await read(slice.part.key, slice.part.offset + slice.offset, slice.length)).getReader();
      }
    },
    async cancel(reason) {
      await current?.cancel(reason);
    },
  });
}

/**
 * RFC 9110 §13.1.5: Range applies only when If-Range is absent or names the current representation. A date (we
 * send no Last-Modified) or a weak tag never matches; the whole file is sent instead.
 */
function ifRangeAllows(header: string | null, etag: string) {
  return header === null || header.trim() === etag;
}

/** Wraps a streamed body so workerd sends Content-Length rather than chunked encoding. */
type LengthFixer = (length: number) => TransformStream<Uint8Array, Uint8Array>;
const fixedLength: LengthFixer | null =
  typeof (globalThis as { FixedLengthStream?: unknown }).FixedLengthStream === "function"
    ? (length) =>
        new (globalThis as unknown as { FixedLengthStream: new (n: number) => TransformStream }).FixedLengthStream(
          length,
        ) as TransformStream<Uint8Array, Uint8Array>
    : null;

export function serveConcatenation(opts: {
  request: Request;
  parts: readonly Part[];
  /** A strong validator naming this arrangement's bytes, quoted: `"…"`. */
  etag: string;
  read: ReadObject;
  headers: Record<string, string>;
}): Response {
  const size = opts.parts.reduce((sum, part) => sum + partLength(part), 0);
  const headers = new Headers({ "accept-ranges": "bytes", ...opts.headers, etag: opts.etag });
  const isHead = opts.request.method === "HEAD";
  const rangeHeader = ifRangeAllows(opts.request.headers.get("if-range"), opts.etag)
    ? opts.request.headers.get("range")
    : null;
  const range = isHead ? null : parseRange(rangeHeader, size);
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const [start, end] = range ? [range.start, range.end] : [0, size - 1];
  const length = end - start + 1;
  headers.set("content-length", String(length));
  if (range) headers.set("content-range", `bytes ${start}-${end}/${size}`);
  const status = range ? 206 : 200;
  if (isHead || length === 0) return new Response(null, { status, headers });
  let body = concatenationStream(slicesFor(opts.parts, start, end), opts.read);
  if (fixedLength) body = body.pipeThrough(fixedLength(length));
  return new Response(body, { status, headers });
}
