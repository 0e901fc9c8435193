/**
 * Serves one R2 object with HTTP range requests (RFC 9110 §14): the one place enclosures, artwork and the
 * authenticated media route share. Only single ranges are served; a multi-range or malformed Range header is
 * ignored (the whole object, 200), as the RFC allows; a range starting past the end is 416.
 */

export type ByteRange = { start: number; end: number };

export function parseRange(header: string | null, size: number): ByteRange | "unsatisfiable" | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [, first, last] = match;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
}

export interface StoredObject {
  r2Key: string;
  contentType: string;
  /** Bytes stored, from the media row (checked when the upload completed). */
  size: number;
}

export async function serveR2Object(opts: {
  bucket: R2Bucket;
  request: Request;
  object: StoredObject;
  cacheControl: string;
  headers?: Record<string, string>;
}): Promise<Response> {
  const { size } = opts.object;
  // nosniff: stored bytes were only checked at their start, so browsers must not guess another type.
  const headers = new Headers({
    "accept-ranges": "bytes",
    "content-type": opts.object.contentType,
    "cache-control": opts.cacheControl,
    "x-content-type-options": "nosniff",
    ...opts.headers,
  });
  // Range is defined for GET only; a HEAD gets the whole object's headers.
  const isHead = opts.request.method === "HEAD";
  const range = isHead ? null : parseRange(opts.request.headers.get("range"), size);
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  if (isHead) {
    const head = await opts.bucket.head(opts.object.r2Key);
    if (!head) return notFoundResponse();
    headers.set("etag", head.httpEtag);
    headers.set("content-length", String(size));
    return new Response(null, { status: 200, headers });
  }
  const body = await opts.bucket.get(
    opts.object.r2Key,
    range ? { range: { offset: range.start, length: range.end - range.start + 1 } } : undefined,
  );
  if (!body) return notFoundResponse();
  headers.set("etag", body.httpEtag);
  if (!range) {
    headers.set("content-length", String(size));
    return new Response(body.body, { status: 200, headers });
  }
  headers.set("content-range", `bytes ${range.start}-${range.end}/${size}`);
  headers.set("content-length", String(range.end - range.start + 1));
  return new Response(body.body, { status: 206, headers });
}

export const notFoundResponse = (message = "Not found.") =>
  new Response(message, {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
