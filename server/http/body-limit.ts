import type { MiddlewareHandler } from "hono";

/** tRPC calls and Remix forms are small; the largest real one (a transcript edit) is far below this. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * Reads the whole body, counting the bytes as they stream in: Content-Length only lets an honest oversized
 * request be refused before reading, it is never trusted to bound the read. Null when the body is larger.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const announced = Number(request.headers.get("content-length") ?? "0");
  if (announced > maxBytes) {
    await request.body?.cancel();
    return null;
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

const carriesBody = (method: string) => method !== "GET" && method !== "HEAD";

/**
 * Buffers a request's body up to `maxBytes` before any handler parses it, and answers `tooLarge()` (a 413)
 * beyond that; the handler then reads the buffered copy.
 */
export function capRequestBody(opts: { maxBytes: number; tooLarge: () => Response }): MiddlewareHandler {
  return async (c, next) => {
    if (!carriesBody(c.req.method)) return next();
    const body = await readBodyWithin(c.req.raw, opts.maxBytes);
    if (!body) return opts.tooLarge();
    c.req.raw = new Request(c.req.raw, { body });
    return next();
  };
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * Remix actions here read only web forms (files go through /api/uploads), so a body that is not a readable
 * form is the client's mistake: 415 for another content type, 400 for a malformed form, never the action's 500.
 * Call after capRequestBody, which made the body re-readable.
 */
export const formBodiesOnly: MiddlewareHandler = async (c, next) => {
  if (!carriesBody(c.req.method)) return next();
  const [mediaType = ""] = (c.req.header("content-type") ?? "").split(";");
  const type = mediaType.trim().toLowerCase();
  const body = await c.req.raw.clone().arrayBuffer();
  if (body.byteLength === 0 && type === "") return next();
  const plain = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" };
  if (!FORM_TYPES.includes(type)) {
    return new Response("This address accepts web forms only.", { status: 415, headers: plain });
  }
  try {
    await c.req.raw.clone().formData();
  } catch {
    return new Response("The form could not be read. Reload the page and send it again.", {
      status: 400,
      headers: plain,
    });
  }
  return next();
};
