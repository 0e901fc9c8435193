import type { Database } from "../../db/client";
import { partRange } from "../../server/services/media/rules";
import { receiveUploadPart, type UploadSession } from "../../server/services/media/uploads";
import { wavSlice } from "./audio";
import { testEnv } from "./trpc";

/** Sends parts of an upload through the same service the HTTP route calls (all missing parts unless `parts` says). */
export async function sendParts(opts: {
  db: Database;
  bucket: R2Bucket;
  session: Pick<UploadSession, "mediaId" | "token" | "size" | "partSize" | "partCount" | "multipart">;
  /** Bytes [start, end) of the file; a generated WAV by default. */
  bytes?: (start: number, end: number) => Uint8Array;
  parts?: number[];
  now?: Date;
}) {
  const bytes = opts.bytes ?? ((start, end) => wavSlice(opts.session.size, start, end));
  const parts = opts.parts ?? Array.from({ length: opts.session.partCount }, (_, i) => i + 1);
  for (const partNumber of parts) {
    const { start, end } = partRange(opts.session.size, opts.session.partSize, partNumber);
    await receiveUploadPart({
      db: opts.db,
      bucket: opts.bucket,
      secret: testEnv().env.UPLOAD_SIGNING_SECRET,
      mediaId: opts.session.mediaId,
      token: opts.session.token ?? "",
      partNumber,
      multipartRequest: opts.session.multipart,
      contentLength: end - start,
      body: bytes(start, end),
      now: opts.now ?? new Date(),
    });
  }
}
