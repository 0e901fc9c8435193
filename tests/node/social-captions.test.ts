import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Env } from "../../server/env";
import { AppError } from "../../server/lib/errors";
import {
  CAPTION_MAX_CHARS,
  CAPTION_MAX_HASHTAGS,
  rankKeywords,
  suggestCaptions,
} from "../../server/services/social/captions";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { insertEpisode, insertShow } from "../support/podcasts";
import { chatCompletion, fakeAi, fakeOpenAi, insertTranscript } from "../support/transcripts";
import { testEnv } from "../support/trpc";

const segments = [
  { startMs: 0, endMs: 5000, text: "Welcome back. Today we compare microphones for podcasting at home." },
  { startMs: 5000, endMs: 9000, text: "A dynamic microphone rejects room noise better than a condenser microphone." },
  { startMs: 9000, endMs: 14000, text: "Microphone placement matters: keep the microphone close and the gain low." },
  { startMs: 14000, endMs: 20000, text: "Next week we talk about podcast hosting and feeds." },
];

let t: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
let other: Awaited<ReturnType<typeof createTeam>>;
let transcriptId: string;
let foreignTranscriptId: string;
let episodeId: string;
const openAi = fakeOpenAi();
let llmEnv: Env;
const offlineEnv = testEnv().env;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await createTeam(t.db);
  other = await createTeam(t.db, "Other studio");
  transcriptId = (await insertTranscript(t.db, team.workspace.id, { segments })).transcript.id;
  foreignTranscriptId = (await insertTranscript(t.db, other.workspace.id, { segments })).transcript.id;
  const show = await insertShow(t.db, team.workspace.id);
  episodeId = (
    await insertEpisode(t.db, show, {
      title: "Choosing a podcast microphone",
      description: "Dynamic or condenser? We test microphones in a noisy kitchen.\nPlus: microphone placement tips.",
    })
  ).id;
  const url = await openAi.start();
  llmEnv = testEnv({ LLM_PROVIDERS: "openai", LLM_BASE_URL: url, LLM_API_KEY: "sk-test" }).env;
});
afterAll(async () => {
  await openAi.stop();
  await t.close();
});
beforeEach(() => openAi.reset());

describe("caption suggestions without an AI provider", () => {
  it("builds captions and hashtags from the transcript's keywords, labelled as such", async () => {
    const result = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: offlineEnv,
      sourceType: "transcript",
      sourceId: transcriptId,
    });
    expect(result.source).toBe("keywords");
    expect(result.label).toBe("Suggested from keywords (no AI provider configured)");
    expect(result.hashtags[0]).toBe("#microphone");
    expect(result.hashtags).not.toContain("#the");
    expect(result.hashtags.length).toBeLessThanOrEqual(CAPTION_MAX_HASHTAGS);
    expect(result.captions.length).toBeGreaterThanOrEqual(2);
    expect(result.captions.join(" ")).toContain("microphone");
    expect(openAi.chats).toHaveLength(0);
  });

  it("uses an episode's title and description", async () => {
    const result = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: offlineEnv,
      sourceType: "episode",
      sourceId: episodeId,
    });
    expect(result.source).toBe("keywords");
    expect(result.captions[0]).toMatch(/^New episode: Choosing a podcast microphone\./);
    expect(result.hashtags).toContain("#microphones");
  });

  it("works from the draft caption alone, and refuses when there is no text at all", async () => {
    const result = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: offlineEnv,
      caption: "Recording drums in the garage, drums everywhere",
    });
    expect(result.hashtags[0]).toBe("#drums");
    await expect(
      suggestCaptions({ db: t.db, workspaceId: team.workspace.id, env: offlineEnv, caption: "   " }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("ranks keywords by frequency without stopwords", () => {
    expect(rankKeywords("The gain and the gain, and the noise.").slice(0, 2)).toEqual(["gain", "noise"]);
  });
});

describe("caption suggestions from an LLM", () => {
  it("asks the configured OpenAI-compatible endpoint with the source text and returns its options", async () => {
    openAi.replyChat({
      status: 200,
      body: chatCompletion({
        captions: ["Mic check! Which one wins?", "Dynamic vs condenser, settled."],
        hashtags: ["podcasting", "#Microphones", "mic setup", "#microphones"],
      }),
    });
    const result = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: llmEnv,
      sourceType: "transcript",
      sourceId: transcriptId,
    });
    expect(result).toEqual({
      source: "llm",
      label: expect.stringContaining("AI"),
      captions: ["Mic check! Which one wins?", "Dynamic vs condenser, settled."],
      hashtags: ["#podcasting", "#Microphones", "#micsetup"],
    });
    expect(openAi.chats).toHaveLength(1);
    const prompt = JSON.stringify(openAi.chats[0].body.messages);
    expect(prompt).toContain("A dynamic microphone rejects room noise");
  });

  it("asks Workers AI for the captions' JSON shape, then the next provider when it fails", async () => {
    const workersAi = fakeAi({ chat: { captions: ["From Workers AI."], hashtags: ["mics"] } });
    const result = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: { ...llmEnv, LLM_PROVIDERS: "workers-ai,openai", AI: workersAi.ai },
      sourceType: "episode",
      sourceId: episodeId,
    });
    expect(result).toMatchObject({ source: "llm", captions: ["From Workers AI."], hashtags: ["#mics"] });
    const format = workersAi.calls[0].inputs.response_format as { json_schema: { required: string[] } };
    expect(format.json_schema.required).toEqual(["captions", "hashtags"]);
    expect(openAi.chats).toHaveLength(0);

    openAi.replyChat({ status: 200, body: chatCompletion({ captions: ["From the second provider."], hashtags: [] }) });
    const broken = fakeAi({ fail: "3040: Capacity temporarily exceeded" });
    const fallback = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: { ...llmEnv, LLM_PROVIDERS: "workers-ai,openai", AI: broken.ai },
      sourceType: "episode",
      sourceId: episodeId,
    });
    expect(fallback).toMatchObject({ source: "llm", captions: ["From the second provider."], hashtags: [] });
  });

  it("keeps the answer within Instagram's limits", async () => {
    const hashtags = Array.from({ length: 40 }, (_, i) => `tag${i}`);
    openAi.replyChat({ status: 200, body: chatCompletion({ captions: ["word ".repeat(800)], hashtags }) });
    const result = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: llmEnv,
      sourceType: "episode",
      sourceId: episodeId,
    });
    expect(result.source).toBe("llm");
    expect(result.hashtags.length).toBeLessThanOrEqual(CAPTION_MAX_HASHTAGS);
    expect(`${result.captions[0]}\n\n${result.hashtags.join(" ")}`.length).toBeLessThanOrEqual(CAPTION_MAX_CHARS);
    expect(result.captions[0].endsWith("…")).toBe(true);
  });

  it("falls back to keywords, labelled, when the provider fails or answers nonsense", async () => {
    openAi.failNext(1, 500, "The server had an error.");
    const failed = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: llmEnv,
      sourceType: "transcript",
      sourceId: transcriptId,
    });
    expect(failed.source).toBe("keywords");
    expect(failed.label).toBe("Suggested from keywords (the AI provider did not answer)");
    expect(failed.hashtags[0]).toBe("#microphone");

    openAi.replyChat({ status: 200, body: chatCompletion({ summary: "not captions" }) });
    const nonsense = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: llmEnv,
      sourceType: "transcript",
      sourceId: transcriptId,
    });
    expect(nonsense.source).toBe("keywords");
    expect(openAi.chats).toHaveLength(2);
  });
});

describe("caption sources are the workspace's own", () => {
  it("answers NOT_FOUND for another workspace's transcript or episode, before asking any model", async () => {
    const error = await suggestCaptions({
      db: t.db,
      workspaceId: team.workspace.id,
      env: llmEnv,
      sourceType: "transcript",
      sourceId: foreignTranscriptId,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("NOT_FOUND");
    await expect(
      suggestCaptions({
        db: t.db,
        workspaceId: other.workspace.id,
        env: llmEnv,
        sourceType: "episode",
        sourceId: episodeId,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(openAi.chats).toHaveLength(0);
  });
});
