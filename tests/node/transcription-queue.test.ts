import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mediaObjects, transcriptionJobs, transcripts, transcriptSegments, usageRecords } from "../../db/schema";
import type { Env } from "../../server/env";
import {
  TRANSCRIBE_JOB,
  recoverStalledTranscriptions,
  requestTranscription,
  startWaitingTranscriptions,
} from "../../server/services/transcription/request";
import { TRANSCRIPTION_MAX_ATTEMPTS, transcribeJob } from "../../workers/queues/jobs/transcribe";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { memoryQueue } from "../support/memory-queue";
import { createLocalR2 } from "../support/r2";
import { fakeAi, fakeOpenAi, insertAudio, markedWav } from "../support/transcripts";
import { callerFor, testConfig } from "../support/trpc";

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
const server = fakeOpenAi();
let baseUrl: string;
beforeAll(async () => {
  [t, r2, baseUrl] = await Promise.all([createTestDatabase(), createLocalR2(), server.start()]);
});
afterAll(async () => {
  await Promise.all([server.stop(), r2.dispose(), t.close()]);
});
beforeEach(() => server.reset());

const openAiEnv = (extra: Partial<Env> = {}) =>
  ({
    TRANSCRIPTION_PROVIDERS: "openai",
    OPENAI_BASE_URL: baseUrl,
    OPENAI_API_KEY: "sk-test",
    MEDIA: r2.bucket,
    ...extra,
  }) as Env;

/** A one-second WAV in R2 with its queued job, as finishing an upload leaves it. */
async function queuedJob(opts: { providersConfigured?: boolean } = {}) {
  const owner = await createUser(t.db);
  const workspace = await createWorkspace(t.db, owner);
  const media = await insertAudio(t.db, workspace.id, { bytes: markedWav(1), bucket: r2.bucket });
  const queue = memoryQueue();
  const job = await requestTranscription({
    db: t.db,
    queue: queue.queue,
    workspaceId: workspace.id,
    mediaId: media.id,
    providersConfigured: opts.providersConfigured ?? true,
    now: new Date(),
  });
  return { owner, workspace, media, job, queue };
}

const deliver = (jobId: string, env: Env, attempt = 1) =>
  transcribeJob.handle({ jobId }, { db: t.db, env, config: testConfig, now: new Date(), attempt });

async function state(jobId: string, mediaId: string) {
  const [job] = await t.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.id, jobId));
  const rows = await t.db.select().from(transcripts).where(eq(transcripts.mediaId, mediaId));
  const segments = rows[0]
    ? await t.db
        .select()
        .from(transcriptSegments)
        .where(eq(transcriptSegments.transcriptId, rows[0].id))
        .orderBy(asc(transcriptSegments.position))
    : [];
  return { job, transcripts: rows, segments };
}

describe("the transcription consumer", () => {
  it("transcribes once however often and however concurrently the message is delivered", async () => {
    const { job, media, queue } = await queuedJob();
    expect(queue.jobs(TRANSCRIBE_JOB)).toEqual([{ jobId: job.id }]);
    await Promise.all([deliver(job.id, openAiEnv()), deliver(job.id, openAiEnv())]);
    await deliver(job.id, openAiEnv(), 2); // a redelivery after it finished
    const after = await state(job.id, media.id);
    expect(server.transcriptions).toHaveLength(1);
    expect(after.transcripts).toHaveLength(1);
    expect(after.transcripts[0]).toMatchObject({ workspaceId: media.workspaceId, language: "en", provider: "openai" });
    expect(after.segments.map((s) => [s.startMs, s.endMs, s.text])).toEqual([
      [0, 500, "audio@0"],
      [500, 1000, "audio@500"],
    ]);
    expect(after.job).toMatchObject({
      status: "done",
      progress: 100,
      attempts: 1,
      lastError: null,
      provider: "openai",
    });
    expect(after.job.finishedAt).toBeInstanceOf(Date);
  });

  it("meters the transcribed length once, however often the message is delivered", async () => {
    const { job, media } = await queuedJob();
    await Promise.all([deliver(job.id, openAiEnv()), deliver(job.id, openAiEnv())]);
    await deliver(job.id, openAiEnv(), 2);
    const records = await t.db.select().from(usageRecords).where(eq(usageRecords.workspaceId, media.workspaceId));
    // The one-second file's duration is unknown, so what is metered is where its last segment ends.
    expect(records.map((r) => [r.metric, r.quantity])).toEqual([["transcription_seconds", 1]]);
  });

  it("falls back to Workers AI when the OpenAI-compatible endpoint fails transiently", async () => {
    const { job, media } = await queuedJob();
    server.failNext(1, 503);
    const workersAi = fakeAi();
    await deliver(job.id, openAiEnv({ TRANSCRIPTION_PROVIDERS: "openai,workers-ai", AI: workersAi.ai }));
    const after = await state(job.id, media.id);
    expect(server.transcriptions).toHaveLength(1);
    expect(workersAi.calls).toHaveLength(1);
    expect(workersAi.calls[0].model).toBe("@cf/openai/whisper-large-v3-turbo");
    expect(
      Buffer.from(workersAi.calls[0].inputs.audio as string, "base64")
        .subarray(0, 4)
        .toString(),
    ).toBe("RIFF");
    expect(after.job).toMatchObject({ status: "done", provider: "workers-ai" });
    expect(after.segments.map((s) => s.text)).toEqual(["Hello from Workers AI."]);
  });

  it("falls back to the OpenAI-compatible endpoint when Workers AI is out of capacity", async () => {
    const { job, media } = await queuedJob();
    const busy = fakeAi({ fail: "3040: Out of capacity" });
    await deliver(
      job.id,
      openAiEnv({
        TRANSCRIPTION_PROVIDERS: "workers-ai,openai",
        AI: busy.ai,
        OPENAI_TRANSCRIPTION_MODEL: "whisper-large-v3",
      }),
    );
    const after = await state(job.id, media.id);
    expect(busy.calls).toHaveLength(1);
    expect(server.transcriptions.map((r) => r.model)).toEqual(["whisper-large-v3"]);
    expect(after.job).toMatchObject({ status: "done", provider: "openai" });
  });

  it("on transient failure of every provider records the reason, re-queues and throws; the last attempt marks it failed", async () => {
    const { job, media } = await queuedJob();
    server.failNext(TRANSCRIPTION_MAX_ATTEMPTS * 2, 503, "The server is overloaded.");
    const workersAi = fakeAi({ fail: "3007: Request timeout" });
    const env = openAiEnv({ TRANSCRIPTION_PROVIDERS: "openai,workers-ai", AI: workersAi.ai });
    await expect(deliver(job.id, env, 1)).rejects.toThrow(/503: The server is overloaded/);
    let after = await state(job.id, media.id);
    expect(after.job).toMatchObject({ status: "queued", attempts: 1, progress: 0 });
    expect(after.job.lastError).toBe(
      "openai: The transcription endpoint answered 503: The server is overloaded. — workers-ai: Workers AI failed: 3007: Request timeout",
    );
    await expect(deliver(job.id, env, TRANSCRIPTION_MAX_ATTEMPTS)).rejects.toThrow();
    after = await state(job.id, media.id);
    expect(after.job).toMatchObject({ status: "failed", attempts: 2 });
    expect(after.job.lastError).toMatch(/503/);
    expect(after.transcripts).toHaveLength(0);
    expect(server.transcriptions).toHaveLength(2);
  });

  it("a permanent refusal fails the job at once with the provider's message, without retry or fallback", async () => {
    const { job, media } = await queuedJob();
    server.failNext(1, 400, "Audio file might be corrupted or unsupported.");
    const workersAi = fakeAi();
    await expect(
      deliver(job.id, openAiEnv({ TRANSCRIPTION_PROVIDERS: "openai,workers-ai", AI: workersAi.ai })),
    ).resolves.toBeUndefined();
    const after = await state(job.id, media.id);
    expect(after.job).toMatchObject({
      status: "failed",
      lastError: "The transcription endpoint answered 400: Audio file might be corrupted or unsupported.",
    });
    expect(workersAi.calls).toHaveLength(0);
    expect(after.transcripts).toHaveLength(0);
  });

  it("a wrong API key is permanent too, and a redelivery of a failed job does nothing until Retry", async () => {
    const { job, media, owner, workspace } = await queuedJob();
    await deliver(job.id, openAiEnv({ OPENAI_API_KEY: "sk-wrong" }));
    expect((await state(job.id, media.id)).job).toMatchObject({
      status: "failed",
      lastError: "The transcription endpoint answered 401: Incorrect API key provided.",
    });
    await deliver(job.id, openAiEnv(), 2); // would reach the server (with the right key) if it ran
    expect(server.transcriptions).toHaveLength(0);

    const { api, queues } = callerFor(t.db, owner, { env: openAiEnv() });
    expect(await api.transcripts.retryJob({ workspaceId: workspace.id, jobId: job.id })).toMatchObject({
      status: "queued",
      lastError: null,
    });
    expect(queues.transcription.jobs(TRANSCRIBE_JOB)).toEqual([{ jobId: job.id }]);
    await deliver(job.id, openAiEnv());
    const after = await state(job.id, media.id);
    // Retry gives the job a fresh attempt budget: this run is attempt 1 again.
    expect(after.job).toMatchObject({ status: "done", attempts: 1 });
    expect(after.transcripts).toHaveLength(1);
  });

  it("without a provider the job waits, clearly, and nothing is invented; it runs once one is configured", async () => {
    const { job, media } = await queuedJob({ providersConfigured: true });
    await deliver(job.id, { MEDIA: r2.bucket } as Env);
    let after = await state(job.id, media.id);
    expect(after.job.status).toBe("waiting_for_provider");
    expect(after.transcripts).toHaveLength(0);

    const queue = memoryQueue();
    await startWaitingTranscriptions({ db: t.db, queue: queue.queue, providersConfigured: true, now: new Date() });
    expect(queue.jobs(TRANSCRIBE_JOB)).toContainEqual({ jobId: job.id });
    await deliver(job.id, openAiEnv());
    after = await state(job.id, media.id);
    expect(after.job.status).toBe("done");
    expect(after.transcripts).toHaveLength(1);
  });

  it("takes over a run that died mid-way, and leaves a live one alone", async () => {
    const { job, media } = await queuedJob();
    await t.db
      .update(transcriptionJobs)
      .set({ status: "transcribing", attempts: 1, startedAt: new Date() })
      .where(eq(transcriptionJobs.id, job.id));
    await deliver(job.id, openAiEnv(), 2);
    expect(server.transcriptions).toHaveLength(0);
    expect((await state(job.id, media.id)).job.status).toBe("transcribing");

    await t.db
      .update(transcriptionJobs)
      .set({ startedAt: new Date(Date.now() - 60 * 60_000) })
      .where(eq(transcriptionJobs.id, job.id));
    await deliver(job.id, openAiEnv(), 3);
    const after = await state(job.id, media.id);
    expect(after.job).toMatchObject({ status: "done", attempts: 2 });
    expect(after.transcripts).toHaveLength(1);
  });

  it("an upload still being checked is retried later; a rejected one fails with its reason", async () => {
    const { job, media } = await queuedJob();
    await t.db.update(mediaObjects).set({ status: "verifying" }).where(eq(mediaObjects.id, media.id));
    await expect(deliver(job.id, openAiEnv())).rejects.toThrow(/verifying/);
    expect((await state(job.id, media.id)).job).toMatchObject({
      status: "queued",
      lastError: "Waiting for the upload to finish its checks: the file is still verifying.",
    });

    await t.db
      .update(mediaObjects)
      .set({ status: "rejected", rejectionReason: "the file is not audio" })
      .where(eq(mediaObjects.id, media.id));
    await deliver(job.id, openAiEnv(), 2);
    expect((await state(job.id, media.id)).job).toMatchObject({
      status: "failed",
      lastError: "The upload was rejected: the file is not audio.",
    });
    expect(server.transcriptions).toHaveLength(0);
  });

  it("the sweep re-queues a job whose message was lost or whose run died, and fails one that keeps dying", async () => {
    const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
    const lost = await queuedJob();
    const fresh = await queuedJob();
    const died = await queuedJob();
    const running = await queuedJob();
    const doomed = await queuedJob();
    await t.db
      .update(transcriptionJobs)
      .set({ updatedAt: minutesAgo(11) })
      .where(eq(transcriptionJobs.id, lost.job.id));
    await t.db
      .update(transcriptionJobs)
      .set({ status: "transcribing", attempts: 1, startedAt: minutesAgo(20), updatedAt: minutesAgo(16) })
      .where(eq(transcriptionJobs.id, died.job.id));
    await t.db
      .update(transcriptionJobs)
      .set({ status: "transcribing", attempts: 1, startedAt: minutesAgo(5), updatedAt: minutesAgo(1) })
      .where(eq(transcriptionJobs.id, running.job.id));
    await t.db
      .update(transcriptionJobs)
      .set({
        status: "transcribing",
        attempts: TRANSCRIPTION_MAX_ATTEMPTS,
        startedAt: minutesAgo(20),
        updatedAt: minutesAgo(16),
      })
      .where(eq(transcriptionJobs.id, doomed.job.id));

    const queue = memoryQueue();
    const result = await recoverStalledTranscriptions({ db: t.db, queue: queue.queue, now: new Date() });
    const requeued = queue.jobs(TRANSCRIBE_JOB).map((p) => (p as { jobId: string }).jobId);
    expect(requeued).toContain(lost.job.id);
    expect(requeued).toContain(died.job.id);
    expect(requeued).not.toContain(fresh.job.id);
    expect(requeued).not.toContain(running.job.id);
    expect(result).toEqual({ requeued: requeued.length, failed: expect.any(Number) });
    expect((await state(died.job.id, died.media.id)).job).toMatchObject({
      status: "queued",
      lastError: "The previous run stopped unexpectedly; trying again.",
    });
    expect((await state(running.job.id, running.media.id)).job.status).toBe("transcribing");
    expect((await state(doomed.job.id, doomed.media.id)).job).toMatchObject({
      status: "failed",
      lastError:
        "The transcription stopped unexpectedly 6 times; the file may be too long to transcribe in one 15-minute run. Split it and upload the parts.",
    });

    await deliver(died.job.id, openAiEnv());
    expect((await state(died.job.id, died.media.id)).job).toMatchObject({ status: "done", attempts: 2 });
  });

  it("ignores a message for a job that no longer exists", async () => {
    await expect(deliver(crypto.randomUUID(), openAiEnv())).resolves.toBeUndefined();
  });
});
