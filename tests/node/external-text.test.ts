import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transcripts, transcriptSegments } from "../../db/schema";
import type { Env } from "../../server/env";
import { parseExternalJson, textProblem } from "../../server/lib/text";
import { SocialProviderError } from "../../server/services/social/provider";
import { requestTranscription } from "../../server/services/transcription/request";
import { ProviderError } from "../../server/services/transcription/providers";
import { transcribeJob } from "../../workers/queues/jobs/transcribe";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { memoryQueue } from "../support/memory-queue";
import { createLocalR2 } from "../support/r2";
import { chatCompletion, fakeAi, fakeOpenAi, insertAudio, insertTranscript, markedWav } from "../support/transcripts";
import { callerFor, testConfig } from "../support/trpc";

/**
 * Text from providers cannot be refused (nobody typed it), so it is cleaned where it enters: NUL removed, lone
 * surrogates replaced. Postgres refuses NUL in text and both in jsonb (chapters), so without this a transcript
 * or summary containing them fails to save.
 */
const HIGH = "\uD83D";

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

describe("provider text entering the database", () => {
  it("a transcript with NUL and a lone surrogate is stored cleaned", async () => {
    const team = await createTeam(t.db);
    const media = await insertAudio(t.db, team.workspace.id, { bytes: markedWav(1), bucket: r2.bucket });
    const job = await requestTranscription({
      db: t.db,
      queue: memoryQueue().queue,
      workspaceId: team.workspace.id,
      mediaId: media.id,
      providersConfigured: true,
      now: new Date(),
    });
    const ai = fakeAi({ transcript: { text: `Hello\u0000 world ${HIGH}!` } });
    const env = { TRANSCRIPTION_PROVIDERS: "workers-ai", AI: ai.ai, MEDIA: r2.bucket } as unknown as Env;
    await transcribeJob.handle({ jobId: job.id }, { db: t.db, env, config: testConfig, now: new Date(), attempt: 1 });
    const [transcript] = await t.db.select().from(transcripts).where(eq(transcripts.mediaId, media.id));
    const segments = await t.db
      .select()
      .from(transcriptSegments)
      .where(eq(transcriptSegments.transcriptId, transcript.id))
      .orderBy(asc(transcriptSegments.position));
    expect(segments.map((segment) => segment.text)).toEqual(["Hello world \uFFFD!"]);
  });

  it("an LLM summary with NUL and lone surrogates in text and chapters is stored cleaned", async () => {
    const team = await createTeam(t.db);
    const { transcript } = await insertTranscript(t.db, team.workspace.id, {
      segments: [
        { startMs: 0, endMs: 5000, text: "Welcome to the show." },
        { startMs: 5000, endMs: 10_000, text: "Today: microphones." },
      ],
    });
    const ai = fakeAi({
      chat: {
        summary: `A show\u0000 about ${HIGH}microphones.`,
        showNotes: "Notes\u0000.",
        chapters: [{ startMs: 0, title: `Opening ${HIGH}` }],
      },
    });
    const { api } = callerFor(t.db, team.editor, { env: { LLM_PROVIDERS: "workers-ai", AI: ai.ai } });
    const result = await api.transcripts.summarize({ workspaceId: team.workspace.id, transcriptId: transcript.id });
    expect(result).toMatchObject({
      summaryKind: "llm",
      summary: "A show about \uFFFDmicrophones.",
      showNotes: "Notes.",
      chapters: [{ startMs: 0, title: "Opening \uFFFD" }],
    });
    const [row] = await t.db.select().from(transcripts).where(eq(transcripts.id, transcript.id));
    expect(row.chapters).toEqual([{ startMs: 0, title: "Opening \uFFFD" }]);
  });

  it("an OpenAI-compatible answer is cleaned as it is parsed", async () => {
    const team = await createTeam(t.db);
    const { transcript } = await insertTranscript(t.db, team.workspace.id, {
      segments: [{ startMs: 0, endMs: 5000, text: "Welcome to the show." }],
    });
    server.replyChat({
      status: 200,
      body: chatCompletion({ summary: "Sum\u0000mary.", showNotes: `Notes ${HIGH}`, chapters: [] }),
    });
    const { api } = callerFor(t.db, team.editor, {
      env: { LLM_PROVIDERS: "openai", LLM_BASE_URL: baseUrl, LLM_API_KEY: "sk-test" },
    });
    const result = await api.transcripts.summarize({ workspaceId: team.workspace.id, transcriptId: transcript.id });
    expect(result).toMatchObject({ summary: "Summary.", showNotes: "Notes \uFFFD" });
  });

  it("provider JSON (Instagram, OpenAI) and provider error messages come out storable", () => {
    const parsed = parseExternalJson(
      JSON.stringify({ data: [{ caption: `Launch\u0000 day ${HIGH}`, nested: { name: "\uDE00x" } }], n: 3 }),
    );
    expect(parsed).toEqual({ data: [{ caption: "Launch day \uFFFD", nested: { name: "\uFFFDx" } }], n: 3 });
    expect(textProblem(new SocialProviderError("permanent", `Caption\u0000 refused ${HIGH}`).message)).toBeNull();
    expect(new ProviderError("openai", "bad\u0000 file", false).message).toBe("bad file");
  });
});
