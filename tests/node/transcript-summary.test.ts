import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { transcripts } from "../../db/schema";
import type { Env } from "../../server/env";
import {
  extractiveChapters,
  extractiveDigest,
  extractiveSummary,
  promptLines,
  sentencesOf,
  withoutRepeatedSentences,
} from "../../server/services/transcription/summary";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { chatCompletion, fakeAi, fakeOpenAi, insertTranscript } from "../support/transcripts";
import { callerFor } from "../support/trpc";

const at = (minute: number, text: string, lengthMs = 20_000) => ({
  startMs: minute * 60_000,
  endMs: minute * 60_000 + lengthMs,
  text,
});

/** Twenty minutes on two topics: the first half about microphones, the second about hosting. */
const episode = [
  at(0, "Welcome back to the show, everyone."),
  at(1, "Today we start with microphones for podcasting at home."),
  at(2, "A dynamic microphone rejects room noise better than a condenser microphone does."),
  at(3, "Um, yeah."),
  at(4, "Place the microphone close to your mouth and keep the microphone gain low."),
  at(6, "Microphone technique matters more than the price of the microphone."),
  at(8, "Okay, that covers the microphones."),
  at(10, "Now let us talk about hosting your podcast feed."),
  at(12, "Podcast hosting decides where the audio files and the RSS feed live."),
  at(14, "Good hosting gives you download analytics for every episode of the podcast."),
  at(16, "Move your hosting carefully so the feed keeps its subscribers."),
  at(18, "Thanks for listening, see you next week.", 120_000),
];

describe("the extractive fallback", () => {
  it("splits sentences across segments and keeps each one's start time", () => {
    const sentences = sentencesOf([
      { startMs: 0, endMs: 1000, text: "First sentence. Second" },
      { startMs: 1000, endMs: 2000, text: "continues here! Third?" },
    ]);
    expect(sentences.map((s) => [s.startMs, s.text])).toEqual([
      [0, "First sentence."],
      [0, "Second continues here!"],
      [1000, "Third?"],
    ]);
  });

  it("keeps the sentences richest in the transcript's frequent words, in their original order", () => {
    const summary = extractiveSummary(episode, 3);
    expect(summary).toHaveLength(3);
    expect(summary).toContain("Microphone technique matters more than the price of the microphone.");
    expect(summary).not.toContain("Um, yeah.");
    const positions = summary.map((s) => episode.findIndex((segment) => segment.text === s));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("makes chapters from even time splits, titled by each split's own keywords", () => {
    // 20 minutes: four five-minute splits, each starting at the first segment inside it.
    const chapters = extractiveChapters(episode);
    expect(chapters.map((c) => c.startMs)).toEqual([0, 6 * 60_000, 10 * 60_000, 16 * 60_000]);
    expect(chapters[0].title.split(", ")).toContain("Microphone");
    expect(chapters[2].title.split(", ")).toEqual(["Podcast", "Hosting", "Feed"]);
    expect(new Set(chapters.map((c) => c.title)).size).toBe(4);
    const digest = extractiveDigest(episode);
    expect(digest.showNotes).toMatch(/^In this episode:\n- /);
    expect(digest.showNotes).toContain(
      `Chapters:\n00:00 ${chapters[0].title}\n06:00 ${chapters[1].title}\n10:00 ${chapters[2].title}`,
    );
  });

  it("keeps a prompt within budget by sampling lines across the whole recording", () => {
    const long = Array.from({ length: 1000 }, (_, i) => ({
      startMs: i * 10_000,
      endMs: i * 10_000 + 9_000,
      text: `Line number ${i} of a long show.`,
    }));
    const prompt = promptLines(long, 5_000);
    expect(prompt.length).toBeLessThanOrEqual(5_000);
    expect(prompt.split("\n")[0]).toBe("[00:00 = 0 ms] Line number 0 of a long show.");
    expect(prompt).toContain("Line number 9");
  });
});

describe("no repeated sentences", () => {
  const sentenceKeys = (text: string) =>
    text
      .split("\n")
      .map((line) => line.replace(/^- /, ""))
      .flatMap((line) => line.split(/(?<=[.!?])\s+/))
      .map((sentence) =>
        sentence
          .toLowerCase()
          .replace(/[^a-z0-9 ]/g, "")
          .trim(),
      )
      .filter(Boolean);

  it("the extractive summary and show notes say a sentence repeated in the transcript once", () => {
    const catchphrase = "Remember to water your tomatoes every single morning before work.";
    const segments = [
      at(0, `${catchphrase} Today we plant tomatoes and basil in the raised garden beds.`),
      at(1, `${catchphrase.toUpperCase()} The tomatoes need full sun and rich compost to grow well.`),
      at(2, `remember to water your tomatoes every single morning before work! Basil grows well beside tomatoes.`),
      at(3, `${catchphrase} Thanks for listening to the garden show this week, friends.`),
    ];
    const digest = extractiveDigest(segments);
    for (const text of [digest.summary, digest.showNotes]) {
      const keys = sentenceKeys(text);
      expect(keys.length).toBeGreaterThan(1);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(digest.summary.toLowerCase().split("remember to water").length - 1).toBeLessThanOrEqual(1);
  });

  it("drops a model's repeated sentences and bullets, keeping the rest of each line", () => {
    expect(
      withoutRepeatedSentences(
        "We cover microphones. We cover hosting. We cover microphones!\n- Microphones\n- Hosting\n- microphones",
      ),
    ).toBe("We cover microphones. We cover hosting.\n- Microphones\n- Hosting");
    expect(withoutRepeatedSentences("Intro.\n\nChapters:\n00:00 Intro\n05:00 Intro")).toBe(
      "Intro.\n\nChapters:\n00:00 Intro\n05:00 Intro",
    );
  });
});

describe("summarize", () => {
  let t: TestDatabase;
  const server = fakeOpenAi({ apiKey: "sk-llm" });
  let baseUrl: string;
  beforeAll(async () => {
    [t, baseUrl] = await Promise.all([createTestDatabase(), server.start()]);
  });
  afterAll(async () => {
    await Promise.all([server.stop(), t.close()]);
  });
  beforeEach(() => server.reset());

  async function seeded(env: Partial<Env> = {}) {
    const team = await createTeam(t.db);
    const { transcript } = await insertTranscript(t.db, team.workspace.id, { segments: episode });
    const { api } = callerFor(t.db, team.editor, { env });
    const input = { workspaceId: team.workspace.id, transcriptId: transcript.id };
    return { api, input, transcript };
  }

  it("without a model, stores the extractive digest labelled as such", async () => {
    const { api, input } = await seeded();
    const result = await api.transcripts.summarize(input);
    expect(result.summaryKind).toBe("extractive");
    expect(result.summary.length).toBeGreaterThan(0);
    expect(result.chapters).toHaveLength(4);
    expect(await api.transcripts.get(input)).toMatchObject({
      summaryKind: "extractive",
      summary: result.summary,
      showNotes: result.showNotes,
      summaryMode: "extractive",
    });
  });

  it("with an OpenAI-compatible chat endpoint, asks for JSON and stores the validated answer", async () => {
    const { api, input } = await seeded({
      LLM_PROVIDERS: "openai",
      LLM_BASE_URL: baseUrl,
      LLM_API_KEY: "sk-llm",
      LLM_MODEL: "llama3.1",
    });
    server.replyChat({
      status: 200,
      body: chatCompletion({
        summary: "Microphones, then hosting. Microphones, then hosting.",
        showNotes: "How to sound good and where to host.\n- Microphones\n- Hosting\n- Hosting",
        chapters: [
          { startMs: 600000, title: "Hosting" },
          { startMs: 12000, title: "Microphones" },
          { startMs: 600000, title: "Duplicate" },
        ],
      }),
    });
    const result = await api.transcripts.summarize(input);
    expect(result).toEqual({
      summary: "Microphones, then hosting.",
      summaryKind: "llm",
      showNotes: "How to sound good and where to host.\n- Microphones\n- Hosting",
      chapters: [
        { startMs: 0, title: "Microphones" },
        { startMs: 600000, title: "Hosting" },
      ],
    });
    expect(server.chats).toHaveLength(1);
    const request = server.chats[0].body as {
      model: string;
      response_format: unknown;
      messages: { role: string; content: string }[];
    };
    expect(request.model).toBe("llama3.1");
    expect(request.response_format).toEqual({ type: "json_object" });
    expect(request.messages[1].content).toContain(
      "[10:00 = 600000 ms] Now let us talk about hosting your podcast feed.",
    );
    expect((await api.transcripts.get(input)).summaryMode).toBe("llm");
  });

  it("falls back to the next model when one fails or answers the wrong shape, and reuses OPENAI_* credentials", async () => {
    const workersAi = fakeAi();
    const { api, input } = await seeded({
      LLM_PROVIDERS: "openai,workers-ai",
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: "sk-llm",
      AI: workersAi.ai,
    });
    server.replyChat({ status: 200, body: chatCompletion({ notes: "not what was asked" }) });
    const result = await api.transcripts.summarize(input);
    expect(result).toMatchObject({ summaryKind: "llm", summary: "AI summary." });
    expect(server.chats).toHaveLength(1);
    expect(workersAi.calls.map((c) => c.model)).toEqual(["@cf/meta/llama-3.3-70b-instruct-fp8-fast"]);
  });

  it("when every configured model fails, says so and keeps the stored summary", async () => {
    const { api, input, transcript } = await seeded({
      LLM_PROVIDERS: "openai",
      LLM_BASE_URL: baseUrl,
      LLM_API_KEY: "sk-llm",
    });
    await t.db
      .update(transcripts)
      .set({ summary: "Kept.", summaryKind: "extractive" })
      .where(eq(transcripts.id, transcript.id));
    server.failNext(1, 503, "Model is loading.");
    const logged = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const error = await api.transcripts.summarize(input).then(
      () => null,
      (e: unknown) => e as TRPCError,
    );
    expect(error?.code).toBe("PRECONDITION_FAILED");
    // The provider's answer (which can name its endpoint) goes to the log, not to the creator.
    expect(error?.message).toBe("The AI provider could not write the summary. Try again in a minute.");
    expect(logged.mock.calls.join("\n")).toContain("The chat endpoint answered 503: Model is loading.");
    logged.mockRestore();
    const [row] = await t.db.select().from(transcripts).where(eq(transcripts.id, transcript.id));
    expect(row.summary).toBe("Kept.");
  });
});
