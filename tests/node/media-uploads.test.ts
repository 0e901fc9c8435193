import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, episodes, mediaObjects, mediaUploadParts, transcriptionJobs } from "../../db/schema";
import { AppError } from "../../server/lib/errors";
import { PART_SIZE } from "../../server/services/media/rules";
import { keySafeFilename, receiveUploadPart, UploadTooLargeError } from "../../server/services/media/uploads";
import { checkUploadToken, signUploadToken, type UploadGrant } from "../../server/services/media/upload-token";
import { TRANSCRIBE_JOB } from "../../server/services/transcription/request";
import { wavFile, wavSlice } from "../support/audio";
import { fixture } from "../support/fixtures";
import { insertEpisode, insertShow } from "../support/podcasts";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam, type TestUser } from "../support/factories";
import { sendParts } from "../support/media";
import { createLocalR2 } from "../support/r2";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([t.close(), r2.dispose()]);
});

const MiB = 1024 * 1024;
const WITH_PROVIDER = {
  TRANSCRIPTION_PROVIDERS: "openai",
  OPENAI_BASE_URL: "http://127.0.0.1:9",
  OPENAI_API_KEY: "test-key",
};

function as(user: TestUser, env: Record<string, string> = {}) {
  const caller = callerFor(t.db, user, { env: { MEDIA: r2.bucket, ...env } });
  return { media: caller.api.media, queues: caller.queues };
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as TRPCError & AppError;
}

const png = (size: number) => {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
};

describe("starting an upload", () => {
  it("reserves a key under the workspace's prefix, and plans one request for a small file", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const session = await as(editor).media.createUpload({
      workspaceId: workspace.id,
      filename: "Épisode 1: the pilot?.WAV",
      contentType: "audio/wav",
      size: 5000,
    });
    expect(session).toMatchObject({
      status: "uploading",
      kind: "audio",
      partSize: PART_SIZE,
      partCount: 1,
      multipart: false,
      uploadedParts: [],
    });
    const [row] = await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, session.mediaId));
    expect(row.r2Key).toBe(`w/${workspace.id}/media/${session.mediaId}/Episode-1-the-pilot.WAV`);
    expect(row.multipartUploadId).toBeNull();
  });

  it("starts an R2 multipart upload for a file larger than one part", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const session = await as(editor).media.createUpload({
      workspaceId: workspace.id,
      filename: "long.wav",
      contentType: "audio/wav",
      size: 20 * MiB,
    });
    expect(session).toMatchObject({ partCount: 3, multipart: true });
    const [row] = await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, session.mediaId));
    expect(row.multipartUploadId).toBeTruthy();
  });

  it("accepts a recorder's type with codec parameters, and names the allowed formats when a type is refused", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const recording = await as(editor).media.createUpload({
      workspaceId: workspace.id,
      filename: "take.webm",
      contentType: "audio/webm;codecs=opus",
      size: 100,
    });
    expect(recording.contentType).toBe("audio/webm");
    const refused = await rejection(
      as(editor).media.createUpload({
        workspaceId: workspace.id,
        filename: "notes.pdf",
        contentType: "application/pdf",
        size: 100,
      }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toMatch(/“notes.pdf” is not a type Greenroom stores\. Upload MP3, M4A, WAV/);
  });

  it("refuses empty and oversized files, naming the limit", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const empty = await rejection(
      as(editor).media.createUpload({
        workspaceId: workspace.id,
        filename: "a.wav",
        contentType: "audio/wav",
        size: 0,
      }),
    );
    expect(empty.message).toMatch(/is empty/);
    const huge = await rejection(
      as(editor).media.createUpload({
        workspaceId: workspace.id,
        filename: "big.mov",
        contentType: "video/quicktime",
        size: 3 * 1024 * MiB,
      }),
    );
    expect(huge.code).toBe("BAD_REQUEST");
    expect(huge.message).toBe("“big.mov” is 3 GB; files can be at most 2 GB. Compress it or split it into parts.");
    expect(await t.db.select().from(mediaObjects).where(eq(mediaObjects.workspaceId, workspace.id))).toEqual([]);
  });

  it("lets viewers look but not upload", async () => {
    const { workspace, viewer } = await createTeam(t.db);
    expect(
      (
        await rejection(
          as(viewer).media.createUpload({
            workspaceId: workspace.id,
            filename: "a.wav",
            contentType: "audio/wav",
            size: 10,
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect((await as(viewer).media.list({ workspaceId: workspace.id })).items).toEqual([]);
  });

  it("keeps R2 keys to safe characters and a bounded length, extension included", () => {
    expect(keySafeFilename("../../etc/passwd")).toBe("etc-passwd");
    expect(keySafeFilename("   ")).toBe("file");
    expect(keySafeFilename(`${"a".repeat(300)}.flac`)).toBe(`${"a".repeat(95)}.flac`);
    expect(keySafeFilename("Ünïcödé mix 😀.mp3")).toBe("Unicode-mix.mp3");
  });
});

describe("upload tokens", () => {
  const secret = "test-upload-signing-secret";
  const grant: UploadGrant = {
    mediaId: crypto.randomUUID(),
    workspaceId: crypto.randomUUID(),
    r2Key: "w/x/media/y/a.wav",
    size: 1000,
    contentType: "audio/wav",
  };
  const now = new Date("2026-05-01T12:00:00Z");
  const token = signUploadToken({ secret, grant, expiresAt: new Date(now.getTime() + 3600_000) });
  const check = (overrides: Partial<UploadGrant> = {}, value = token, at = now) =>
    checkUploadToken({ secret, token: value, grant: { ...grant, ...overrides }, now: at });

  it("accepts the token for exactly the object, size and type it was signed for, until it expires", () => {
    expect(check()).toBe("valid");
    expect(check({}, token, new Date(now.getTime() + 3600_000))).toBe("expired");
  });

  it("rejects a token for another object, workspace, key, size or type", () => {
    expect(check({ mediaId: crypto.randomUUID() })).toBe("invalid");
    expect(check({ workspaceId: crypto.randomUUID() })).toBe("invalid");
    expect(check({ r2Key: "w/x/media/y/b.wav" })).toBe("invalid");
    expect(check({ size: 1001 })).toBe("invalid");
    expect(check({ contentType: "audio/mpeg" })).toBe("invalid");
  });

  it("rejects tampering with the signature, the expiry or the claimed workspace", () => {
    const [workspaceId, expires, signature] = token.split(".");
    const flipped = signature.slice(0, -1) + (signature.endsWith("A") ? "B" : "A");
    expect(check({}, `${workspaceId}.${expires}.${flipped}`)).toBe("invalid");
    expect(check({}, `${workspaceId}.${Number(expires) + 86_400}.${signature}`)).toBe("invalid");
    expect(check({}, `${crypto.randomUUID()}.${expires}.${signature}`)).toBe("invalid");
    expect(check({}, "garbage")).toBe("invalid");
    expect(checkUploadToken({ secret: "another-secret-of-length", token, grant, now })).toBe("invalid");
  });
});

describe("sending parts", () => {
  async function started(size: number, contentType = "audio/wav") {
    const team = await createTeam(t.db);
    const session = await as(team.editor).media.createUpload({
      workspaceId: team.workspace.id,
      filename: "file.wav",
      contentType,
      size,
    });
    return { ...team, session };
  }

  it("refuses a body larger or smaller than the part, and part numbers outside the plan", async () => {
    const { session } = await started(20 * MiB);
    const direct = (partNumber: number, contentLength: number) =>
      receiveUploadPart({
        db: t.db,
        bucket: r2.bucket,
        secret: "test-upload-signing-secret",
        mediaId: session.mediaId,
        token: session.token!,
        partNumber,
        multipartRequest: true,
        contentLength,
        body: wavSlice(20 * MiB, 0, contentLength),
        now: new Date(),
      }).then(
        () => null,
        (e: AppError) => e,
      );
    const tooLarge = await direct(1, PART_SIZE + 1);
    expect(tooLarge).toBeInstanceOf(UploadTooLargeError);
    expect(tooLarge?.message).toBe(`Part 1 must be ${PART_SIZE} bytes (8 MB); this request carries ${PART_SIZE + 1}.`);
    expect((await direct(3, 4 * MiB + 1))?.message).toMatch(/^Part 3 must be 4194304 bytes/);
    expect((await direct(1, 100))?.message).toMatch(/this request carries only 100\.$/);
    expect((await direct(4, 10))?.message).toBe("There is no part 4: this file has 3 parts, numbered 1 to 3.");
    expect((await direct(0, 10))?.code).toBe("BAD_REQUEST");
    expect(await direct(3, 4 * MiB)).toBeNull();
    expect(
      await t.db.select().from(mediaUploadParts).where(eq(mediaUploadParts.mediaId, session.mediaId)),
    ).toHaveLength(1);
  });

  it("refuses an expired token and a token of another upload", async () => {
    const first = await started(1000);
    const second = await started(1000);
    const tomorrow = new Date(Date.now() + 25 * 3600_000);
    const expired = await sendParts({ db: t.db, bucket: r2.bucket, session: first.session, now: tomorrow }).catch(
      (e: AppError) => e,
    );
    expect(expired).toMatchObject({
      code: "FORBIDDEN",
      message: "This upload link has expired. Choose the file again to continue where it stopped.",
    });
    const swapped = await sendParts({
      db: t.db,
      bucket: r2.bucket,
      session: { ...first.session, token: second.session.token },
    }).catch((e: AppError) => e);
    expect(swapped).toMatchObject({
      code: "FORBIDDEN",
      message: "This upload link is not valid for this file. Choose the file again to get a new link.",
    });
  });

  it("stops taking parts from someone removed from the workspace (or made a viewer) mid-upload", async () => {
    const removed = await started(20 * MiB);
    await sendParts({ db: t.db, bucket: r2.bucket, session: removed.session, parts: [1] });
    await callerFor(t.db, removed.owner).api.workspaces.removeMember({
      workspaceId: removed.workspace.id,
      userId: removed.editor.id,
    });
    const refused = await sendParts({ db: t.db, bucket: r2.bucket, session: removed.session, parts: [2] }).catch(
      (e: AppError) => e,
    );
    expect(refused).toMatchObject({ code: "FORBIDDEN", message: "You can no longer upload files to this workspace." });

    const demoted = await started(1000);
    await callerFor(t.db, demoted.owner).api.workspaces.changeMemberRole({
      workspaceId: demoted.workspace.id,
      userId: demoted.editor.id,
      role: "viewer",
    });
    expect(
      await sendParts({ db: t.db, bucket: r2.bucket, session: demoted.session }).catch((e: AppError) => e),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(
      await t.db.select().from(mediaUploadParts).where(eq(mediaUploadParts.mediaId, demoted.session.mediaId)),
    ).toHaveLength(0);
  });

  it("resumes a multipart upload: stored parts are reported with a fresh token and are not sent again", async () => {
    const size = 20 * MiB + 123;
    const { workspace, editor, session } = await started(size);
    await sendParts({ db: t.db, bucket: r2.bucket, session, parts: [1, 2] });
    // The browser reloads: it asks which parts are stored and sends only the rest, with the new token.
    const resumed = await as(editor).media.getUpload({ workspaceId: workspace.id, mediaId: session.mediaId });
    expect(resumed).toMatchObject({ status: "uploading", partCount: 3, uploadedParts: [1, 2] });
    expect(resumed.token).toBeTruthy();
    await sendParts({ db: t.db, bucket: r2.bucket, session: resumed, parts: [3] });
    const item = await as(editor).media.completeUpload({ workspaceId: workspace.id, mediaId: session.mediaId });
    expect(item).toMatchObject({ status: "ready", size, rejectionReason: null });

    const [row] = await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, session.mediaId));
    const stored = await r2.bucket.get(row.r2Key);
    const bytes = new Uint8Array(await stored!.arrayBuffer());
    expect(bytes.length).toBe(size);
    expect(Buffer.from(bytes).equals(Buffer.from(wavFile(size)))).toBe(true);
    expect(row.multipartUploadId).toBeNull();
  });

  it("replaces a part that is sent twice", async () => {
    const { session } = await started(9 * MiB);
    await sendParts({ db: t.db, bucket: r2.bucket, session, parts: [1, 1, 2] });
    expect(
      await t.db.select().from(mediaUploadParts).where(eq(mediaUploadParts.mediaId, session.mediaId)),
    ).toHaveLength(2);
  });
});

describe("finishing an upload", () => {
  async function uploaded(
    opts: { size: number; contentType?: string; filename?: string; bytes?: (start: number, end: number) => Uint8Array },
    env: Record<string, string> = {},
  ) {
    const team = await createTeam(t.db);
    const api = as(team.editor, env);
    const session = await api.media.createUpload({
      workspaceId: team.workspace.id,
      filename: opts.filename ?? "show.wav",
      contentType: opts.contentType ?? "audio/wav",
      size: opts.size,
    });
    await sendParts({ db: t.db, bucket: r2.bucket, session, bytes: opts.bytes });
    const complete = () => api.media.completeUpload({ workspaceId: team.workspace.id, mediaId: session.mediaId });
    return { ...team, ...api, session, complete };
  }

  it("lists the parts still missing", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const api = as(editor).media;
    const session = await api.createUpload({
      workspaceId: workspace.id,
      filename: "x.wav",
      contentType: "audio/wav",
      size: 30 * MiB,
    });
    await sendParts({ db: t.db, bucket: r2.bucket, session, parts: [2] });
    const error = await rejection(api.completeUpload({ workspaceId: workspace.id, mediaId: session.mediaId }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe(
      "The upload is not complete: parts 1, 3 and 4 of 4 have not arrived. Send them, then finish again.",
    );
  });

  it("marks audio ready and creates its transcription job once, however often it is finished", async () => {
    const { workspace, complete, queues, session } = await uploaded({ size: 9 * MiB }, WITH_PROVIDER);
    const first = await complete();
    const second = await complete();
    expect(first).toMatchObject({ status: "ready", size: 9 * MiB, transcription: { status: "queued", progress: 0 } });
    // 16-bit mono 44.1 kHz: 88,200 bytes a second, read from the WAV header across two parts.
    expect(first.durationSeconds).toBe(Math.round((9 * MiB - 44) / 88_200));
    expect(second).toEqual(first);
    const jobs = await t.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.mediaId, session.mediaId));
    expect(jobs).toHaveLength(1);
    expect(queues.transcription.jobs(TRANSCRIBE_JOB)).toEqual([{ jobId: jobs[0].id }]);
    const audit = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspace.id), eq(auditEvents.action, "media.uploaded")));
    expect(audit).toHaveLength(1);
  });

  it("leaves the job waiting, visibly, when no transcription provider is configured", async () => {
    const { complete, queues } = await uploaded({ size: 2000 });
    expect((await complete()).transcription).toMatchObject({ status: "waiting_for_provider", progress: 0 });
    expect(queues.transcription.sent).toEqual([]);
  });

  it.each([
    ["vbr-xing.mp3", "audio/mpeg"],
    ["moov-last.m4a", "audio/x-m4a"],
  ])("stores the duration %s declares in its own headers", async (name, contentType) => {
    const bytes = fixture(name);
    const { complete } = await uploaded({
      size: bytes.length,
      contentType,
      filename: name,
      bytes: (start, end) => bytes.subarray(start, end),
    });
    expect(await complete()).toMatchObject({ status: "ready", durationSeconds: 13, widthPx: null });
  });

  it("gives an episode that chose the audio while it uploaded the duration read when it finishes", async () => {
    const bytes = fixture("vbr-xing.mp3");
    const { workspace, session, complete } = await uploaded({
      size: bytes.length,
      contentType: "audio/mpeg",
      filename: "ep.mp3",
      bytes: (start, end) => bytes.subarray(start, end),
    });
    const show = await insertShow(t.db, workspace.id);
    const waiting = await insertEpisode(t.db, show, { audioMediaId: session.mediaId });
    const typed = await insertEpisode(t.db, show, { audioMediaId: session.mediaId, durationSeconds: 99 });
    await complete();
    const durations = await t.db
      .select({ id: episodes.id, durationSeconds: episodes.durationSeconds })
      .from(episodes)
      .where(eq(episodes.showId, show.id));
    expect(Object.fromEntries(durations.map((e) => [e.id, e.durationSeconds]))).toEqual({
      [waiting.id]: 13,
      [typed.id]: 99,
    });
  });

  it("stores a JPEG's pixel size", async () => {
    const bytes = fixture("wide-1600x1400.jpg");
    const { complete } = await uploaded({
      size: bytes.length,
      contentType: "image/jpeg",
      filename: "cover.jpg",
      bytes: (start, end) => bytes.subarray(start, end),
    });
    expect(await complete()).toMatchObject({ status: "ready", widthPx: 1600, heightPx: 1400, durationSeconds: null });
  });

  it("does not transcribe images", async () => {
    const { complete, session } = await uploaded(
      {
        size: 3000,
        contentType: "image/png",
        filename: "cover.png",
        bytes: (start, end) => png(3000).subarray(start, end),
      },
      WITH_PROVIDER,
    );
    expect(await complete()).toMatchObject({ status: "ready", kind: "image", transcription: null });
    expect(await t.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.mediaId, session.mediaId))).toEqual(
      [],
    );
  });

  it("rejects a file whose bytes are not its declared type, deletes it and says why", async () => {
    const { workspace, media, complete, session } = await uploaded(
      { size: 5000, contentType: "audio/mpeg", filename: "renamed.mp3" },
      WITH_PROVIDER,
    );
    const item = await complete();
    expect(item).toMatchObject({ status: "rejected", transcription: null });
    expect(item.rejectionReason).toBe(
      "The file's contents are not MP3 audio, the type it was uploaded as. Upload a real MP3 audio file, or export it again from your editing software.",
    );
    const [row] = await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, session.mediaId));
    expect(await r2.bucket.head(row.r2Key)).toBeNull();
    expect(await media.getStorageUsage({ workspaceId: workspace.id })).toMatchObject({ usedBytes: 0, fileCount: 0 });
    expect(await complete()).toEqual(item);
  });

  it("finishes an upload whose parts R2 already assembled before a crash", async () => {
    const { complete, session } = await uploaded({ size: 9 * MiB });
    const [row] = await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, session.mediaId));
    const parts = await t.db.select().from(mediaUploadParts).where(eq(mediaUploadParts.mediaId, session.mediaId));
    await r2.bucket
      .resumeMultipartUpload(row.r2Key, row.multipartUploadId!)
      .complete(parts.map(({ partNumber, etag }) => ({ partNumber, etag })));
    expect(await complete()).toMatchObject({ status: "ready", size: 9 * MiB });
  });

  it("refuses more bytes once the upload is finished", async () => {
    const { complete, session } = await uploaded({ size: 1000 });
    await complete();
    const error = await sendParts({ db: t.db, bucket: r2.bucket, session }).catch((e: AppError) => e);
    expect(error).toMatchObject({ code: "CONFLICT" });
  });
});

describe("the library", () => {
  it("lists newest first across pages, with transcription status, in a fixed number of queries", async () => {
    const { workspace, editor, viewer } = await createTeam(t.db);
    const api = as(editor).media;
    const ids: string[] = [];
    const queryCounts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const session = await api.createUpload({
        workspaceId: workspace.id,
        filename: `ep${i}.wav`,
        contentType: "audio/wav",
        size: 1000 + i,
      });
      await sendParts({ db: t.db, bucket: r2.bucket, session });
      if (i % 2 === 0) await api.completeUpload({ workspaceId: workspace.id, mediaId: session.mediaId });
      ids.unshift(session.mediaId);
      t.resetQueryCount();
      await as(viewer).media.list({ workspaceId: workspace.id, limit: 10 });
      queryCounts.push(t.queryCount());
    }
    expect(new Set(queryCounts).size).toBe(1);

    const first = await as(viewer).media.list({ workspaceId: workspace.id, limit: 3 });
    const second = await as(viewer).media.list({ workspaceId: workspace.id, limit: 3, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual(ids);
    expect(second.nextCursor).toBeNull();
    expect(first.items.map((item) => [item.status, item.transcription?.status ?? null])).toEqual([
      ["ready", "waiting_for_provider"],
      ["uploading", null],
      ["ready", "waiting_for_provider"],
    ]);
  });

  it("counts ready files towards storage, per kind, and frees the space when one is deleted", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const api = as(editor).media;
    const add = async (
      filename: string,
      contentType: string,
      size: number,
      bytes?: (s: number, e: number) => Uint8Array,
    ) => {
      const session = await api.createUpload({ workspaceId: workspace.id, filename, contentType, size });
      await sendParts({ db: t.db, bucket: r2.bucket, session, bytes });
      return api.completeUpload({ workspaceId: workspace.id, mediaId: session.mediaId });
    };
    const audio = await add("a.wav", "audio/wav", 4000);
    await add("b.png", "image/png", 600, (s, e) => png(600).subarray(s, e));
    await api.createUpload({
      workspaceId: workspace.id,
      filename: "unfinished.wav",
      contentType: "audio/wav",
      size: 999,
    });
    expect(await api.getStorageUsage({ workspaceId: workspace.id })).toEqual({
      usedBytes: 4600,
      fileCount: 2,
      byKind: { audio: { files: 1, bytes: 4000 }, video: { files: 0, bytes: 0 }, image: { files: 1, bytes: 600 } },
    });

    const [row] = await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, audio.id));
    expect(await api.delete({ workspaceId: workspace.id, mediaId: audio.id })).toEqual({ id: audio.id });
    expect(await r2.bucket.head(row.r2Key)).toBeNull();
    expect(await api.getStorageUsage({ workspaceId: workspace.id })).toMatchObject({ usedBytes: 600, fileCount: 1 });
    const audit = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspace.id), eq(auditEvents.action, "media.deleted")));
    expect(audit.map((event) => event.detail)).toEqual([{ mediaId: audio.id, filename: "a.wav" }]);
  });

  it("cancels an unfinished multipart upload, but not a finished file", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const api = as(editor).media;
    const session = await api.createUpload({
      workspaceId: workspace.id,
      filename: "long.wav",
      contentType: "audio/wav",
      size: 9 * MiB,
    });
    await sendParts({ db: t.db, bucket: r2.bucket, session, parts: [1] });
    expect(await api.abortUpload({ workspaceId: workspace.id, mediaId: session.mediaId })).toEqual({
      id: session.mediaId,
    });
    expect((await api.list({ workspaceId: workspace.id })).items).toEqual([]);

    const small = await api.createUpload({
      workspaceId: workspace.id,
      filename: "short.wav",
      contentType: "audio/wav",
      size: 500,
    });
    await sendParts({ db: t.db, bucket: r2.bucket, session: small, bytes: (s, e) => wavSlice(500, s, e) });
    await api.completeUpload({ workspaceId: workspace.id, mediaId: small.mediaId });
    const error = await rejection(api.abortUpload({ workspaceId: workspace.id, mediaId: small.mediaId }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toMatch(/Delete the file from the media library instead\.$/);
  });
});

describe("a single-request upload sent again while it is checked", () => {
  /** The real R2 bucket, with `put` held at a gate so a second PUT can be finished after the check ran. */
  function gatedBucket() {
    let entered!: () => void;
    let release!: () => void;
    const putEntered = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const bucket = new Proxy(r2.bucket, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (property === "put") {
          return async (...args: Parameters<R2Bucket["put"]>) => {
            entered();
            await gate;
            return target.put(...args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return { bucket, putEntered, release };
  }

  it("never keeps bytes that arrived after the check: the object is deleted and the file rejected", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const { media } = as(editor);
    const size = 4096;
    const session = await media.createUpload({
      workspaceId: workspace.id,
      filename: "cover.png",
      contentType: "image/png",
      size,
    });
    const base = {
      db: t.db,
      secret: "test-upload-signing-secret",
      mediaId: session.mediaId,
      token: session.token ?? "",
      partNumber: 1,
      multipartRequest: false,
      contentLength: size,
      now: new Date(),
    };
    await receiveUploadPart({ ...base, bucket: r2.bucket, body: png(size) });

    const late = gatedBucket();
    const html = new TextEncoder().encode("<html><script>alert(1)</script>".padEnd(size, " "));
    const lateUpload = receiveUploadPart({ ...base, bucket: late.bucket, body: html }).then(
      () => null,
      (error: unknown) => error,
    );
    await late.putEntered;
    expect((await media.completeUpload({ workspaceId: workspace.id, mediaId: session.mediaId })).status).toBe("ready");
    late.release();

    expect(await lateUpload).toBeInstanceOf(AppError);
    const [row] = await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, session.mediaId));
    expect(row.status).toBe("rejected");
    expect(row.rejectionReason).toMatch(/sent again while it was being checked/);
    expect(await r2.bucket.head(row.r2Key)).toBeNull();
  });
});
