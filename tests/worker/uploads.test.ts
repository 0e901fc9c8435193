import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PART_SIZE, partRange } from "../../server/services/media/rules";
import { mediaKey } from "../../server/services/media/uploads";
import { signUploadToken } from "../../server/services/media/upload-token";
import { wavSlice } from "../support/audio";
import { ORIGIN, mutate, query, send, signUpOverHttp } from "./http";

const MiB = 1024 * 1024;

interface Session {
  mediaId: string;
  size: number;
  partSize: number;
  partCount: number;
  multipart: boolean;
  uploadedParts: number[];
  token: string | null;
}
interface Item {
  id: string;
  status: string;
  size: number | null;
  rejectionReason: string | null;
  transcription: { status: string } | null;
}

async function data<T>(response: Response): Promise<T> {
  const body = (await response.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!body.result) throw new Error(`procedure failed: ${response.status} ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}

async function owner() {
  const user = await signUpOverHttp("Uploader");
  const call = {
    createUpload: async (input: { filename: string; contentType: string; size: number }) =>
      data<Session>(
        await mutate("media.createUpload", { workspaceId: user.workspaceId, ...input }, { cookie: user.cookie }),
      ),
    getUpload: async (mediaId: string) =>
      data<Session>(
        await query("media.getUpload", { workspaceId: user.workspaceId, mediaId }, { cookie: user.cookie }),
      ),
    complete: async (mediaId: string) =>
      data<Item>(
        await mutate("media.completeUpload", { workspaceId: user.workspaceId, mediaId }, { cookie: user.cookie }),
      ),
    list: async () =>
      data<{ items: Item[] }>(await query("media.list", { workspaceId: user.workspaceId }, { cookie: user.cookie })),
  };
  return { ...user, ...call };
}

const uploadPath = (session: Pick<Session, "mediaId" | "multipart">, partNumber: number, token: string) =>
  session.multipart
    ? `/api/uploads/${session.mediaId}/parts/${partNumber}?token=${encodeURIComponent(token)}`
    : `/api/uploads/${session.mediaId}?token=${encodeURIComponent(token)}`;

/** A same-origin PUT of raw bytes, as the browser's uploader sends it. */
function put(path: string, body: BodyInit, length: number, headers: Record<string, string> = {}) {
  return send(path, {
    method: "PUT",
    body,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(length),
      origin: ORIGIN,
      ...headers,
    },
  });
}

async function putParts(
  session: Session,
  parts: number[],
  token = session.token!,
  bytes = (start: number, end: number) => wavSlice(session.size, start, end),
) {
  for (const partNumber of parts) {
    const { start, end } = partRange(session.size, session.partSize, partNumber);
    const response = await put(uploadPath(session, partNumber, token), bytes(start, end), end - start);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ partNumber, size: end - start });
  }
}

async function errorOf(response: Response) {
  return {
    status: response.status,
    ...((await response.json()) as { error: { code: string; message: string } }).error,
  };
}

describe("uploading through the Worker", () => {
  it("sends a 12 MiB WAV in two parts, finishes it, and lists it with its waiting transcription", async () => {
    const user = await owner();
    const size = 12 * MiB;
    const session = await user.createUpload({ filename: "interview.wav", contentType: "audio/wav", size });
    expect(session).toMatchObject({ partSize: PART_SIZE, partCount: 2, multipart: true, uploadedParts: [] });
    await putParts(session, [1, 2]);
    const item = await user.complete(session.mediaId);
    expect(item).toMatchObject({
      id: session.mediaId,
      status: "ready",
      size,
      // Read from the WAV header through R2 ranged reads in workerd: 16-bit mono 44.1 kHz is 88,200 bytes a second.
      durationSeconds: Math.round((size - 44) / 88_200),
      transcription: { status: "waiting_for_provider" },
    });
    expect((await user.list()).items.map((i) => [i.id, i.status])).toEqual([[session.mediaId, "ready"]]);
    const stored = await env.MEDIA.head(mediaKey(user.workspaceId, session.mediaId, "interview.wav"));
    expect(stored?.size).toBe(size);
  });

  it("sends a small file in one request", async () => {
    const user = await owner();
    const session = await user.createUpload({ filename: "sting.wav", contentType: "audio/wav", size: 3000 });
    expect(session.multipart).toBe(false);
    const wrongAddress = await put(
      `/api/uploads/${session.mediaId}/parts/1?token=${session.token}`,
      wavSlice(3000, 0, 3000),
      3000,
    );
    expect(await errorOf(wrongAddress)).toMatchObject({
      status: 400,
      message: `This file is sent in one request: PUT it to /api/uploads/${session.mediaId}.`,
    });
    await putParts(session, [1]);
    expect(await user.complete(session.mediaId)).toMatchObject({ status: "ready", size: 3000 });
  });

  it("resumes after a dropped connection without re-sending finished parts", async () => {
    const user = await owner();
    const size = 20 * MiB + 5;
    const session = await user.createUpload({ filename: "long.wav", contentType: "audio/wav", size });
    await putParts(session, [1]);

    // Part 2 ends after 1 MiB of the 8 announced, as when the connection drops.
    const dropped = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(wavSlice(size, PART_SIZE, PART_SIZE + MiB));
        controller.close();
      },
    });
    const broken = await put(uploadPath(session, 2, session.token!), dropped, PART_SIZE);
    expect(await errorOf(broken)).toMatchObject({
      status: 408,
      message: `The part stopped after ${MiB} of ${PART_SIZE} bytes. Send it again.`,
    });

    const resumed = await user.getUpload(session.mediaId);
    expect(resumed).toMatchObject({ status: "uploading", uploadedParts: [1] });
    await putParts(resumed, [2, 3], resumed.token!);
    const item = await user.complete(session.mediaId);
    expect(item).toMatchObject({ status: "ready", size });
    const stored = await env.MEDIA.get(mediaKey(user.workspaceId, session.mediaId, "long.wav"), {
      range: { offset: PART_SIZE - 2, length: 4 },
    });
    expect([...new Uint8Array(await stored!.arrayBuffer())]).toEqual([...wavSlice(size, PART_SIZE - 2, PART_SIZE + 2)]);
  });

  it("rejects a file whose bytes are not its declared type, and deletes it", async () => {
    const user = await owner();
    const session = await user.createUpload({ filename: "fake.mp3", contentType: "audio/mpeg", size: 9 * MiB });
    await putParts(session, [1, 2]);
    const item = await user.complete(session.mediaId);
    expect(item).toMatchObject({ status: "rejected", transcription: null });
    expect(item.rejectionReason).toMatch(/^The file's contents are not MP3 audio/);
    expect(await env.MEDIA.head(mediaKey(user.workspaceId, session.mediaId, "fake.mp3"))).toBeNull();
  });
});

describe("upload links", () => {
  async function started() {
    const user = await owner();
    const size = 10 * MiB;
    const session = await user.createUpload({ filename: "signed.wav", contentType: "audio/wav", size });
    const grant = {
      mediaId: session.mediaId,
      workspaceId: user.workspaceId,
      r2Key: mediaKey(user.workspaceId, session.mediaId, "signed.wav"),
      size,
      contentType: "audio/wav",
    };
    const sign = (overrides: Partial<typeof grant> = {}, expiresAt = new Date(Date.now() + 3600_000)) =>
      signUploadToken({ secret: env.UPLOAD_SIGNING_SECRET, grant: { ...grant, ...overrides }, expiresAt });
    const attempt = (token: string) =>
      put(uploadPath(session, 1, token), wavSlice(size, 0, PART_SIZE), PART_SIZE).then(errorOf);
    return { user, session, sign, attempt };
  }

  const INVALID = "This upload link is not valid for this file. Choose the file again to get a new link.";

  it("refuses expired, tampered and missing tokens with 403", async () => {
    const { session, sign, attempt } = await started();
    expect(await attempt(sign({}, new Date(Date.now() - 1000)))).toMatchObject({
      status: 403,
      message: "This upload link has expired. Choose the file again to continue where it stopped.",
    });
    const [workspaceId, expires, signature] = session.token!.split(".");
    expect(await attempt(`${workspaceId}.${Number(expires) + 3600}.${signature}`)).toMatchObject({
      status: 403,
      message: INVALID,
    });
    expect(await attempt(`${workspaceId}.${expires}.${signature.slice(0, -2)}xx`)).toMatchObject({
      status: 403,
      message: INVALID,
    });
    expect(await attempt("")).toMatchObject({ status: 403, message: INVALID });
  });

  it("refuses a token signed for another key, workspace, size, type or file", async () => {
    const { user, session, sign, attempt } = await started();
    const other = await owner();
    const otherSession = await other.createUpload({ filename: "other.wav", contentType: "audio/wav", size: 10 * MiB });
    expect(await attempt(sign({ r2Key: `w/${user.workspaceId}/media/${session.mediaId}/other.wav` }))).toMatchObject({
      status: 403,
      message: INVALID,
    });
    expect(await attempt(sign({ workspaceId: other.workspaceId }))).toMatchObject({ status: 403, message: INVALID });
    expect(await attempt(sign({ size: 10 * MiB + 1 }))).toMatchObject({ status: 403, message: INVALID });
    expect(await attempt(sign({ contentType: "audio/mpeg" }))).toMatchObject({ status: 403, message: INVALID });
    expect(await attempt(otherSession.token!)).toMatchObject({ status: 403, message: INVALID });
    expect((await user.getUpload(session.mediaId)).uploadedParts).toEqual([]);
  });

  it("refuses a request larger than the part size or than it announced with 413", async () => {
    const { user, session } = await started();
    const huge = await put(uploadPath(session, 1, session.token!), new Uint8Array(PART_SIZE + 1), PART_SIZE + 1);
    expect(await errorOf(huge)).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    const lastPart = partRange(session.size, session.partSize, 2);
    const overLast = await put(
      uploadPath(session, 2, session.token!),
      new Uint8Array(lastPart.end - lastPart.start + 1),
      lastPart.end - lastPart.start + 1,
    );
    expect(await errorOf(overLast)).toMatchObject({
      status: 413,
      message: `Part 2 must be ${lastPart.end - lastPart.start} bytes (2 MB); this request carries ${lastPart.end - lastPart.start + 1}.`,
    });
    // Counted while streaming: a body longer than its Content-Length is cut off at the announced length.
    const longer = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(wavSlice(session.size, 0, PART_SIZE));
        controller.enqueue(new Uint8Array(100));
        controller.close();
      },
    });
    expect(await errorOf(await put(uploadPath(session, 1, session.token!), longer, PART_SIZE))).toMatchObject({
      status: 413,
      message: `The request carried more than the ${PART_SIZE} bytes its Content-Length announced.`,
    });
    const unannounced = await send(uploadPath(session, 1, session.token!), {
      method: "PUT",
      body: new Uint8Array(10),
      headers: { origin: ORIGIN },
    });
    expect(await errorOf(unannounced)).toMatchObject({ status: 411 });
    expect((await user.getUpload(session.mediaId)).uploadedParts).toEqual([]);
    const noPart = await put(uploadPath(session, 3, session.token!), new Uint8Array(10), 10);
    expect(await errorOf(noPart)).toMatchObject({
      status: 400,
      message: "There is no part 3: this file has 2 parts, numbered 1 to 2.",
    });
  });

  it("plans a 1 GiB file so that no request is larger than the part size", async () => {
    const user = await owner();
    const session = await user.createUpload({ filename: "gig.wav", contentType: "audio/wav", size: 1024 * MiB });
    expect(session).toMatchObject({ partSize: PART_SIZE, partCount: 128, multipart: true });
  });

  it("refuses an unsupported type and an oversized file when the upload is created", async () => {
    const user = await owner();
    const badType = await mutate(
      "media.createUpload",
      { workspaceId: user.workspaceId, filename: "page.html", contentType: "text/html", size: 100 },
      { cookie: user.cookie },
    );
    expect(badType.status).toBe(400);
    const tooBig = await mutate(
      "media.createUpload",
      { workspaceId: user.workspaceId, filename: "film.mp4", contentType: "video/mp4", size: 2 * 1024 * MiB + 1 },
      { cookie: user.cookie },
    );
    expect(tooBig.status).toBe(400);
    expect(JSON.stringify(await tooBig.json())).toContain("files can be at most 2 GB");
  });

  it("refuses a cross-site upload like any other write", async () => {
    const { session } = await started();
    const response = await put(uploadPath(session, 1, session.token!), new Uint8Array(10), 10, {
      origin: "https://evil.example",
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "FORBIDDEN", message: "Cross-site request refused." } });
  });
});
