import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaObjects, transcriptionJobs } from "../../db/schema";
import { configuredTranscriptionProviders } from "../../server/services/transcription/provider-config";
import {
  TRANSCRIBE_JOB,
  requestTranscription,
  startWaitingTranscriptions,
} from "../../server/services/transcription/request";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { memoryQueue } from "../support/memory-queue";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function readyAudio() {
  const owner = await createUser(t.db);
  const workspace = await createWorkspace(t.db, owner);
  const [media] = await t.db
    .insert(mediaObjects)
    .values({
      workspaceId: workspace.id,
      r2Key: `w/${workspace.id}/${crypto.randomUUID()}`,
      filename: "ep1.wav",
      contentType: "audio/wav",
      kind: "audio",
      declaredSize: 1000,
      size: 1000,
      status: "ready",
    })
    .returning();
  return { workspace, media };
}

describe("requesting a transcription", () => {
  it("creates one job per media object and queues it once, however often it is requested", async () => {
    const { workspace, media } = await readyAudio();
    const queue = memoryQueue();
    const request = () =>
      requestTranscription({
        db: t.db,
        queue: queue.queue,
        workspaceId: workspace.id,
        mediaId: media.id,
        providersConfigured: true,
        now: new Date(),
      });
    const [first, second] = [await request(), await request()];
    expect(second.id).toBe(first.id);
    expect(queue.jobs(TRANSCRIBE_JOB)).toEqual([{ jobId: first.id }]);
    expect(await t.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.mediaId, media.id))).toHaveLength(1);
  });

  it("waits visibly without a provider, and starts once one is configured", async () => {
    const { workspace, media } = await readyAudio();
    const queue = memoryQueue();
    const job = await requestTranscription({
      db: t.db,
      queue: queue.queue,
      workspaceId: workspace.id,
      mediaId: media.id,
      providersConfigured: false,
      now: new Date(),
    });
    expect(job.status).toBe("waiting_for_provider");
    expect(queue.sent).toHaveLength(0);
    expect(
      await startWaitingTranscriptions({ db: t.db, queue: queue.queue, providersConfigured: false, now: new Date() }),
    ).toBe(0);
    await startWaitingTranscriptions({ db: t.db, queue: queue.queue, providersConfigured: true, now: new Date() });
    expect(queue.jobs(TRANSCRIBE_JOB)).toContainEqual({ jobId: job.id });
    const [row] = await t.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.id, job.id));
    expect(row.status).toBe("queued");
  });
});

describe("provider configuration", () => {
  it("keeps only named providers whose prerequisites are present, in the given order", () => {
    expect(configuredTranscriptionProviders({})).toEqual([]);
    expect(configuredTranscriptionProviders({ TRANSCRIPTION_PROVIDERS: "openai,workers-ai" })).toEqual([]);
    const ai = {} as Ai;
    expect(
      configuredTranscriptionProviders({
        TRANSCRIPTION_PROVIDERS: "openai, workers-ai",
        AI: ai,
        OPENAI_BASE_URL: "http://x",
        OPENAI_API_KEY: "k",
      }),
    ).toEqual(["openai", "workers-ai"]);
    expect(configuredTranscriptionProviders({ TRANSCRIPTION_PROVIDERS: "workers-ai,bogus", AI: ai })).toEqual([
      "workers-ai",
    ]);
  });
});
