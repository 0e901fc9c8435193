import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Env } from "../env";
import { AppError, type AppErrorCode } from "../lib/errors";
import { formatBytes, PART_SIZE } from "../services/media/rules";
import { receiveUploadPart, UploadTooLargeError } from "../services/media/uploads";
import type { TrpcContext } from "../trpc/context";
import { isRowId } from "../lib/text";

type UploadEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

const HTTP_STATUS: Record<AppErrorCode, ContentfulStatusCode> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PRECONDITION_FAILED: 412,
};

const fail = (c: Context<UploadEnv>, status: ContentfulStatusCode, code: string, message: string) =>
  c.json({ error: { code, message } }, status, { "cache-control": "no-store" });

/**
 * Passes the body through while counting it: more bytes than announced fail the stream at once (so nothing
 * over the limit is buffered or stored), fewer fail it at the end; FixedLengthStream gives R2 the known length
 * it requires of a stream.
 */
function countedBody(body: ReadableStream<Uint8Array> | null, length: number) {
  let received = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      received += chunk.byteLength;
      if (received > length) throw new Error("more bytes than announced");
      controller.enqueue(chunk);
    },
  });
  const source = body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  return { stream: source.pipeThrough(counter).pipeThrough(new FixedLengthStream(length)), received: () => received };
}

/**
 * The bytes of an upload, outside tRPC because the body is binary. The token in the query string is the
 * credential (see services/media/upload-token.ts); the CSRF check still applies, and same-origin PUTs pass it.
 */
async function receive(c: Context<UploadEnv>, opts: { multipartRequest: boolean; partNumber: string }) {
  const mediaId = c.req.param("mediaId") ?? "";
  const token = c.req.query("token") ?? "";
  if (!isRowId(mediaId)) return fail(c, 404, "NOT_FOUND", "There is no upload at this address.");
  if (!/^\d{1,5}$/.test(opts.partNumber))
    return fail(
      c,
      400,
      "BAD_REQUEST",
      `“${opts.partNumber.slice(0, 20)}” is not a part number. Parts are numbered from 1.`,
    );
  const lengthHeader = c.req.header("content-length");
  const contentLength = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  if (contentLength === null) return fail(c, 411, "LENGTH_REQUIRED", "Send the part with a Content-Length header.");
  if (contentLength > PART_SIZE) {
    return fail(
      c,
      413,
      "PAYLOAD_TOO_LARGE",
      `A request may carry at most ${formatBytes(PART_SIZE)} (${PART_SIZE} bytes); this one announces ${contentLength}. Send the file in parts.`,
    );
  }

  const body = countedBody(c.req.raw.body, contentLength);
  try {
    const part = await receiveUploadPart({
      db: c.var.trpc.db,
      bucket: c.env.MEDIA,
      secret: c.env.UPLOAD_SIGNING_SECRET,
      mediaId,
      token,
      partNumber: Number(opts.partNumber),
      multipartRequest: opts.multipartRequest,
      contentLength,
      body: body.stream,
      now: c.var.trpc.clock(),
    });
    return c.json(part, 200, { "cache-control": "no-store" });
  } catch (error) {
    if (body.received() > contentLength) {
      return fail(
        c,
        413,
        "PAYLOAD_TOO_LARGE",
        `The request carried more than the ${contentLength} bytes its Content-Length announced.`,
      );
    }
    if (error instanceof UploadTooLargeError) return fail(c, 413, "PAYLOAD_TOO_LARGE", error.message);
    if (error instanceof AppError) return fail(c, HTTP_STATUS[error.code], error.code, error.message);
    // A body that ended early is a dropped connection: 408 tells the uploader to send the part again.
    if (body.received() < contentLength) {
      return fail(
        c,
        408,
        "INCOMPLETE_BODY",
        `The part stopped after ${body.received()} of ${contentLength} bytes. Send it again.`,
      );
    }
    throw error;
  }
}

export const uploadRoutes = new Hono<UploadEnv>()
  .put("/:mediaId/parts/:partNumber", (c) =>
    receive(c, { multipartRequest: true, partNumber: c.req.param("partNumber") }),
  )
  .put("/:mediaId", (c) => receive(c, { multipartRequest: false, partNumber: "1" }));
