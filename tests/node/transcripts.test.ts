import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, transcriptionJobs, transcripts } from "../../db/schema";
import type { Env } from "../../server/env";
import { TRANSCRIBE_JOB } from "../../server/services/transcription/request";
import { transcribeJob } from "../../workers/queues/jobs/transcribe";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { createLocalR2 } from "../support/r2";
import { fakeOpenAi, insertAudio, insertTranscript, markedWav } from "../support/transcripts";
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

const providerEnv = (): Partial<Env> => ({
  TRANSCRIPTION_PROVIDERS: "openai",
  OPENAI_BASE_URL: baseUrl,
  OPENAI_API_KEY: "sk-test",
  MEDIA: r2.bucket,
});

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("transcript procedures", () => {
  it("gets a transcript by its id or its media file, segments in order, and needs exactly one of them", async () => {
    const team = await createTeam(t.db);
    const { transcript, mediaId } = await insertTranscript(t.db, team.workspace.id, {
      segments: [
        { startMs: 0, endMs: 2000, text: "One.", speaker: "A" },
        { startMs: 2000, endMs: 5000, text: "Two.", speaker: "B" },
      ],
    });
    const { api } = callerFor(t.db, team.viewer);
    const result = await api.transcripts.get({ workspaceId: team.workspace.id, transcriptId: transcript.id });
    expect(result).toMatchObject({
      id: transcript.id,
      mediaId,
      language: "en",
      summaryMode: "extractive",
      media: { filename: "episode.wav" },
      job: { status: "done" },
    });
    expect(result.segments.map((s) => [s.position, s.startMs, s.endMs, s.speaker, s.text])).toEqual([
      [0, 0, 2000, "A", "One."],
      [1, 2000, 5000, "B", "Two."],
    ]);
    expect(await errorOf(api.transcripts.get({ workspaceId: team.workspace.id }))).toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("edits a line's text and keeps its timings; viewers may read but not edit", async () => {
    const team = await createTeam(t.db);
    const { segments, transcript } = await insertTranscript(t.db, team.workspace.id);
    const editor = callerFor(t.db, team.editor).api;
    const updated = await editor.transcripts.updateSegment({
      workspaceId: team.workspace.id,
      segmentId: segments[0].id,
      text: "  Welcome to Greenroom.  ",
    });
    expect(updated).toMatchObject({ text: "Welcome to Greenroom.", startMs: 0, endMs: 4000, position: 0 });
    expect(
      await errorOf(
        callerFor(t.db, team.viewer).api.transcripts.updateSegment({
          workspaceId: team.workspace.id,
          segmentId: segments[0].id,
          text: "x",
        }),
      ),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
    const empty = await errorOf(
      editor.transcripts.updateSegment({ workspaceId: team.workspace.id, segmentId: segments[0].id, text: "   " }),
    );
    expect(empty.code).toBe("BAD_REQUEST");
    const again = await editor.transcripts.get({ workspaceId: team.workspace.id, transcriptId: transcript.id });
    expect(again.segments[0].text).toBe("Welcome to Greenroom.");
  });

  it("setting the language corrects the label; re-transcribing sends it as the hint and replaces the text in place", async () => {
    const team = await createTeam(t.db);
    const media = await insertAudio(t.db, team.workspace.id, { bytes: markedWav(1), bucket: r2.bucket });
    const { transcript } = await insertTranscript(t.db, team.workspace.id, { mediaId: media.id, language: "en" });
    await t.db
      .update(transcripts)
      .set({ summary: "Old summary.", summaryKind: "extractive" })
      .where(eq(transcripts.id, transcript.id));
    const { api, queues } = callerFor(t.db, team.editor, { env: providerEnv() });

    await api.transcripts.setLanguage({ workspaceId: team.workspace.id, mediaId: media.id, language: "nl" });
    expect((await api.transcripts.get({ workspaceId: team.workspace.id, transcriptId: transcript.id })).language).toBe(
      "nl",
    );
    expect(queues.transcription.sent).toHaveLength(0);

    const requeued = await api.transcripts.setLanguage({
      workspaceId: team.workspace.id,
      mediaId: media.id,
      language: "de",
      retranscribe: true,
    });
    expect(requeued.job).toMatchObject({ status: "queued", language: "de", progress: 0 });
    const [payload] = queues.transcription.jobs(TRANSCRIBE_JOB) as { jobId: string }[];
    await transcribeJob.handle(payload, {
      db: t.db,
      env: { ...providerEnv() } as Env,
      config: testConfig,
      now: new Date(),
      attempt: 1,
    });
    expect(server.transcriptions.map((r) => r.language)).toEqual(["de"]);

    const after = await api.transcripts.get({ workspaceId: team.workspace.id, transcriptId: transcript.id });
    expect(after).toMatchObject({
      id: transcript.id,
      language: "de",
      summary: null,
      summaryKind: null,
      job: { status: "done", attempts: 2 },
    });
    expect(after.segments.map((s) => s.text)).toEqual(["audio@0", "audio@500"]);
    expect(await t.db.select().from(transcripts).where(eq(transcripts.mediaId, media.id))).toHaveLength(1);
    const audit = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, team.workspace.id), eq(auditEvents.action, "transcription.requeued")));
    expect(audit.map((e) => e.detail)).toEqual([{ mediaId: media.id, language: "de" }]);
  });

  it("re-transcribing without a provider waits visibly; a file never sent is sent with the chosen language", async () => {
    const team = await createTeam(t.db);
    const { mediaId } = await insertTranscript(t.db, team.workspace.id);
    const offline = callerFor(t.db, team.editor);
    expect(
      (
        await offline.api.transcripts.setLanguage({
          workspaceId: team.workspace.id,
          mediaId,
          language: null,
          retranscribe: true,
        })
      ).job,
    ).toMatchObject({
      status: "waiting_for_provider",
    });
    expect(offline.queues.transcription.sent).toHaveLength(0);
    expect(
      (await offline.api.transcripts.getJobForMedia({ workspaceId: team.workspace.id, mediaId })).providersConfigured,
    ).toBe(false);

    const fresh = await insertAudio(t.db, team.workspace.id);
    const online = callerFor(t.db, team.editor, { env: providerEnv() });
    expect(
      await errorOf(
        online.api.transcripts.setLanguage({ workspaceId: team.workspace.id, mediaId: fresh.id, language: "fr" }),
      ),
    ).toMatchObject({ code: "PRECONDITION_FAILED" });
    const started = await online.api.transcripts.setLanguage({
      workspaceId: team.workspace.id,
      mediaId: fresh.id,
      language: "fr",
      retranscribe: true,
    });
    expect(started).toMatchObject({ job: { status: "queued", language: "fr" }, transcriptId: null });
    expect(online.queues.transcription.jobs(TRANSCRIBE_JOB)).toEqual([{ jobId: started.job!.id }]);
    expect(
      await errorOf(
        online.api.transcripts.setLanguage({
          workspaceId: team.workspace.id,
          mediaId: fresh.id,
          language: "xx" as "fr",
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("retry is for failed jobs: pressing it twice queues once, and a finished job says how to re-transcribe", async () => {
    const team = await createTeam(t.db);
    const { job } = await insertTranscript(t.db, team.workspace.id);
    const { api, queues } = callerFor(t.db, team.editor, { env: providerEnv() });
    expect(await errorOf(api.transcripts.retryJob({ workspaceId: team.workspace.id, jobId: job.id }))).toMatchObject({
      code: "CONFLICT",
    });
    await t.db
      .update(transcriptionJobs)
      .set({ status: "failed", lastError: "boom" })
      .where(eq(transcriptionJobs.id, job.id));
    await api.transcripts.retryJob({ workspaceId: team.workspace.id, jobId: job.id });
    expect(await api.transcripts.retryJob({ workspaceId: team.workspace.id, jobId: job.id })).toMatchObject({
      status: "queued",
    });
    expect(queues.transcription.jobs(TRANSCRIBE_JOB)).toEqual([{ jobId: job.id }]);
    expect(
      await errorOf(
        callerFor(t.db, team.viewer).api.transcripts.retryJob({ workspaceId: team.workspace.id, jobId: job.id }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
  });

  it("reports a media file's job and transcript for the status component", async () => {
    const team = await createTeam(t.db);
    const untouched = await insertAudio(t.db, team.workspace.id);
    const { api } = callerFor(t.db, team.viewer);
    expect(await api.transcripts.getJobForMedia({ workspaceId: team.workspace.id, mediaId: untouched.id })).toEqual({
      job: null,
      transcriptId: null,
      providersConfigured: false,
      localEngine: false,
    });
    await expect(
      api.transcripts.getJobForMedia({ workspaceId: team.workspace.id, mediaId: crypto.randomUUID() }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
