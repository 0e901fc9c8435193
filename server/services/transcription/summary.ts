import * as z from "zod";
import type { Env } from "../../env";
import { ProviderError, classifyWorkersAiError, errorMessageOf, isTransientStatus } from "./providers";
import { formatTimestamp } from "./timecode";
import { cleanExternalText, parseExternalJson } from "../../lib/text";

export interface Chapter {
  startMs: number;
  title: string;
}

export interface TranscriptDigest {
  summary: string;
  showNotes: string;
  chapters: Chapter[];
}

interface TimedText {
  startMs: number;
  endMs: number;
  text: string;
}

export const LLM_PROVIDER_IDS = ["workers-ai", "openai"] as const;
export type LlmProviderId = (typeof LLM_PROVIDER_IDS)[number];

export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

/** A chat model that answers with one JSON object. */
export interface LlmProvider {
  id: LlmProviderId;
  completeJson(messages: ChatMessage[]): Promise<unknown>;
}

const REQUEST_TIMEOUT_MS = 120_000;

const DIGEST_JSON_SCHEMA = {
  type: "object",
  properties: {
    summary: { type: "string" },
    showNotes: { type: "string" },
    chapters: {
      type: "array",
      items: {
        type: "object",
        properties: { startMs: { type: "integer" }, title: { type: "string" } },
        required: ["startMs", "title"],
      },
    },
  },
  required: ["summary", "showNotes", "chapters"],
};

/** Any OpenAI-compatible `POST {baseUrl}/chat/completions` in JSON mode. */
export function openAiChatProvider(opts: {
  baseUrl: string;
  apiKey: string;
  model?: string;
  fetch?: typeof fetch;
}): LlmProvider {
  const baseUrl = opts.baseUrl.replace(/\/$/, "");
  const doFetch = opts.fetch ?? fetch;
  return {
    id: "openai",
    async completeJson(messages) {
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${opts.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: opts.model ?? "gpt-4o-mini",
            messages,
            temperature: 0.3,
            response_format: { type: "json_object" },
          }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        throw new ProviderError(
          "openai",
          `Could not reach the chat endpoint ${baseUrl}: ${(error as Error).message}`,
          true,
        );
      }
      const raw = await response.text();
      if (!response.ok)
        throw new ProviderError(
          "openai",
          `The chat endpoint answered ${response.status}: ${errorMessageOf(raw)}`,
          isTransientStatus(response.status),
        );
      const content = (parseJson(raw) as { choices?: { message?: { content?: unknown } }[] } | undefined)?.choices?.[0]
        ?.message?.content;
      if (typeof content !== "string")
        throw new ProviderError("openai", "The chat endpoint answered without a message.", true);
      return parseJson(stripFences(content));
    },
  };
}

export const WORKERS_AI_CHAT_MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";

/**
 * Llama 3.3 70B through the AI binding, with Workers AI's JSON mode (the answer may arrive parsed). `jsonSchema`
 * is the answer's shape; the digest's by default.
 */
export function workersAiChatProvider(opts: { ai: Ai; jsonSchema?: object }): LlmProvider {
  return {
    id: "workers-ai",
    async completeJson(messages) {
      let output: unknown;
      try {
        output = await opts.ai.run(WORKERS_AI_CHAT_MODEL, {
          messages,
          max_tokens: 2048,
          temperature: 0.3,
          response_format: { type: "json_schema", json_schema: opts.jsonSchema ?? DIGEST_JSON_SCHEMA },
        });
      } catch (error) {
        throw classifyWorkersAiError(error);
      }
      const response = (output as { response?: unknown } | undefined)?.response;
      return typeof response === "string" ? parseJson(stripFences(response)) : response;
    },
  };
}

function parseJson(raw: string): unknown {
  try {
    return parseExternalJson(raw);
  } catch {
    return undefined;
  }
}

const stripFences = (text: string) =>
  text
    .trim()
    .replace(/^```(?:json)?\s*/i, "")
    .replace(/\s*```$/, "");

type LlmEnv = Pick<
  Env,
  "LLM_PROVIDERS" | "AI" | "LLM_BASE_URL" | "LLM_API_KEY" | "LLM_MODEL" | "OPENAI_BASE_URL" | "OPENAI_API_KEY"
>;

/**
 * The LLM providers named in LLM_PROVIDERS, in fallback order, that have what they need: the AI binding, or a
 * base URL and key (LLM_BASE_URL / LLM_API_KEY, else the transcription endpoint's OPENAI_BASE_URL / _API_KEY).
 */
export function llmProvidersFromEnv(env: LlmEnv, opts: { jsonSchema?: object } = {}): LlmProvider[] {
  const baseUrl = env.LLM_BASE_URL || env.OPENAI_BASE_URL;
  const apiKey = env.LLM_API_KEY || env.OPENAI_API_KEY;
  const named = (env.LLM_PROVIDERS ?? "").split(",").map((name) => name.trim());
  const providers: LlmProvider[] = [];
  for (const id of new Set(named)) {
    if (id === "workers-ai" && env.AI)
      providers.push(workersAiChatProvider({ ai: env.AI, jsonSchema: opts.jsonSchema }));
    if (id === "openai" && baseUrl && apiKey)
      providers.push(openAiChatProvider({ baseUrl, apiKey, model: env.LLM_MODEL || undefined }));
  }
  return providers;
}

// ---------------------------------------------------------------------------------------------------------------
// With a model

const ZDigest = z.object({
  summary: z.string().overwrite(cleanExternalText).trim().min(1).max(5000),
  showNotes: z.string().overwrite(cleanExternalText).trim().min(1).max(10000),
  chapters: z
    .array(
      z.object({
        startMs: z.coerce.number().int().nonnegative(),
        title: z.string().overwrite(cleanExternalText).trim().min(1).max(120),
      }),
    )
    .max(50),
});

/** About 12k tokens of transcript, within the context of every model we name and cheap enough per click. */
const PROMPT_CHARACTER_BUDGET = 48_000;

/** One line per segment; a long transcript keeps evenly spread lines so chapters still cover all of it. */
export function promptLines(segments: TimedText[], budget = PROMPT_CHARACTER_BUDGET): string {
  const lines = segments.map((s) => `[${formatTimestamp(s.startMs)} = ${s.startMs} ms] ${s.text}`);
  const total = lines.reduce((sum, line) => sum + line.length + 1, 0);
  if (total <= budget) return lines.join("\n");
  const keep = Math.max(1, Math.floor(lines.length * (budget / total)));
  const step = lines.length / keep;
  return Array.from({ length: keep }, (_, i) => lines[Math.floor(i * step)]).join("\n");
}

export function digestMessages(segments: TimedText[], language: string | null): ChatMessage[] {
  return [
    {
      role: "system",
      content:
        "You write podcast summaries, show notes and chapters from timestamped transcripts. Answer with one JSON object " +
        '{"summary": string, "showNotes": string, "chapters": [{"startMs": integer, "title": string}]}. ' +
        "summary: 2-4 sentences. showNotes: a short paragraph then the key topics as '- ' bullet lines, plain text. " +
        "chapters: 3-10 chapters in order, the first at startMs 0, each startMs copied from a transcript line, titles under 8 words. " +
        `Write in the transcript's language${language ? ` (${language})` : ""}. Use only what the transcript says.`,
    },
    { role: "user", content: promptLines(segments) },
  ];
}

/** Chapters in order, inside the recording, without duplicates; the first starts at 0 as players expect. */
function tidyChapters(chapters: Chapter[], durationMs: number): Chapter[] {
  const sorted = chapters
    .map((c) => ({ startMs: Math.min(c.startMs, durationMs), title: c.title }))
    .sort((a, b) => a.startMs - b.startMs);
  const unique = sorted.filter((c, i) => i === 0 || c.startMs !== sorted[i - 1].startMs);
  if (unique.length > 0) unique[0] = { ...unique[0], startMs: 0 };
  return unique;
}

/**
 * Asks each configured model in turn; a model that fails or answers something that is not the requested JSON
 * hands over to the next. Throws when none produced a valid digest.
 */
export async function llmDigest(
  providers: LlmProvider[],
  segments: TimedText[],
  language: string | null,
): Promise<{ digest: TranscriptDigest; provider: LlmProviderId }> {
  const failures: string[] = [];
  const durationMs = segments.at(-1)?.endMs ?? 0;
  for (const provider of providers) {
    try {
      const parsed = ZDigest.safeParse(await provider.completeJson(digestMessages(segments, language)));
      if (!parsed.success)
        throw new ProviderError(
          provider.id,
          "The model's answer was not the summary, show notes and chapters asked for.",
          true,
        );
      return {
        digest: {
          summary: withoutRepeatedSentences(parsed.data.summary),
          showNotes: withoutRepeatedSentences(parsed.data.showNotes),
          chapters: tidyChapters(parsed.data.chapters, durationMs),
        },
        provider: provider.id,
      };
    } catch (error) {
      failures.push(`${provider.id}: ${error instanceof Error ? error.message : String(error)}`);
      console.warn(JSON.stringify({ event: "summary.provider_failed", provider: provider.id, error: failures.at(-1) }));
    }
  }
  throw new Error(failures.join(" — "));
}

// ---------------------------------------------------------------------------------------------------------------
// Without a model: extractive

const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being below between both but by can " +
    "can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further get got had hadn't has hasn't " +
    "have haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't " +
    "it it's its itself just know let's like me more most mustn't my myself no nor not now of off on once only or other ought our ours " +
    "ourselves out over own really right same say said shan't she she'd she'll she's should shouldn't so some such than that that's the " +
    "their theirs them themselves then there there's these they they'd they'll they're they've thing things think this those through to " +
    "too um uh under until up very was wasn't we we'd we'll we're we've well were weren't what what's when when's where where's which " +
    "while who who's whom why why's will with won't would wouldn't yeah yes you you'd you'll you're you've your yours yourself " +
    "yourselves going gonna want kind sort lot actually okay oh one two also just maybe"
  ).split(" "),
);

const wordsOf = (text: string) =>
  (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).map((w) => w.replace(/’/g, "'"));
export const contentWords = (text: string) =>
  wordsOf(text).filter((w) => w.length > 2 && !STOPWORDS.has(w) && !/^\d+$/.test(w));

/** Two sentences are the same when their words are, whatever the case, punctuation or spacing. */
const sentenceKey = (text: string) => wordsOf(text).join(" ");

/**
 * Drops every sentence already said earlier in the text (a model can repeat itself; a transcript often does),
 * keeping line structure: a line left with nothing new, such as a repeated bullet, goes entirely.
 */
export function withoutRepeatedSentences(text: string): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    const [, prefix = "", body = line] = /^(\s*(?:[-*•]|\d+[.)])\s+)?(.*)$/s.exec(line) ?? [];
    const kept = body
      .split(/(?<=[.!?…]["')\]]?)\s+/)
      .filter((sentence) => {
        const key = sentenceKey(sentence);
        if (!key) return true;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .join(" ");
    if (kept.trim() || !body.trim()) lines.push(`${prefix}${kept}`);
  }
  return lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

interface Sentence {
  text: string;
  startMs: number;
  index: number;
}

/** Sentences across segment boundaries, each starting at the time of the segment it begins in. */
export function sentencesOf(segments: TimedText[]): Sentence[] {
  const sentences: Sentence[] = [];
  let current = "";
  let startMs = 0;
  for (const segment of segments) {
    for (const piece of segment.text.split(/(?<=[.!?…])\s+/)) {
      if (!piece.trim()) continue;
      if (!current) startMs = segment.startMs;
      current = current ? `${current} ${piece.trim()}` : piece.trim();
      if (/[.!?…]["')\]]?$/.test(current)) {
        sentences.push({ text: current, startMs, index: sentences.length });
        current = "";
      }
    }
  }
  if (current) sentences.push({ text: current, startMs, index: sentences.length });
  return sentences;
}

/**
 * The classic frequency summariser: score each sentence by the average document frequency of its content words
 * (normalised to the most frequent word), keep the best few, print them in their original order.
 */
export function extractiveSummary(segments: TimedText[], maxSentences?: number): string[] {
  const sentences = sentencesOf(segments);
  const frequency = new Map<string, number>();
  for (const word of sentences.flatMap((s) => contentWords(s.text)))
    frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const top = Math.max(1, ...frequency.values());
  const count = maxSentences ?? Math.min(7, Math.max(3, Math.round(sentences.length / 15)));
  // A sentence said twice (a sign-off, a catchphrase) is one candidate: the summary never repeats itself.
  const seen = new Set<string>();
  const distinct = sentences.filter((s) => {
    const key = sentenceKey(s.text);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const candidates = distinct.filter((s) => wordsOf(s.text).length >= 5);
  const pool = candidates.length >= Math.min(count, distinct.length) ? candidates : distinct;
  const score = (s: Sentence) => {
    const words = contentWords(s.text);
    return words.length === 0
      ? 0
      : words.reduce((sum, w) => sum + (frequency.get(w) ?? 0) / top, 0) / Math.sqrt(words.length);
  };
  return pool
    .map((s) => ({ s, score: score(s) }))
    .sort((a, b) => b.score - a.score || a.s.index - b.s.index)
    .slice(0, count)
    .sort((a, b) => a.s.index - b.s.index)
    .map(({ s }) => s.text);
}

/** Chapter length for even splits: about five minutes, at most twelve chapters. */
const CHAPTER_TARGET_MS = 5 * 60_000;
const MAX_CHAPTERS = 12;

/**
 * Even time splits, each starting at the first segment inside it and titled by its leading keywords: the words
 * most frequent in that split relative to the others (tf-idf), so neighbouring titles differ.
 */
export function extractiveChapters(segments: TimedText[]): Chapter[] {
  if (segments.length === 0) return [];
  const durationMs = Math.max(...segments.map((s) => s.endMs));
  const splits = Math.min(MAX_CHAPTERS, Math.max(1, Math.round(durationMs / CHAPTER_TARGET_MS)));
  const span = durationMs / splits;
  const groups: TimedText[][] = Array.from({ length: splits }, () => []);
  for (const segment of segments) groups[Math.min(splits - 1, Math.floor(segment.startMs / span))].push(segment);
  const filled = groups.filter((group) => group.length > 0);
  const counts = filled.map((group) => {
    const map = new Map<string, number>();
    for (const word of group.flatMap((s) => contentWords(s.text))) map.set(word, (map.get(word) ?? 0) + 1);
    return map;
  });
  const groupsWith = new Map<string, number>();
  for (const map of counts) for (const word of map.keys()) groupsWith.set(word, (groupsWith.get(word) ?? 0) + 1);
  return filled.map((group, i) => {
    const keywords = [...counts[i].entries()]
      .map(([word, n]) => ({ word, score: n * Math.log(1 + filled.length / groupsWith.get(word)!) }))
      .sort((a, b) => b.score - a.score || a.word.localeCompare(b.word))
      .slice(0, 3)
      .map(({ word }) => word.charAt(0).toUpperCase() + word.slice(1));
    return { startMs: i === 0 ? 0 : group[0].startMs, title: keywords.join(", ") || `Part ${i + 1}` };
  });
}

/** Show notes as plain text: the summary's points, then the chapter list with timestamps. */
export function extractiveShowNotes(sentences: string[], chapters: Chapter[]): string {
  const points = sentences.map((s) => `- ${s}`).join("\n");
  const list = chapters.map((c) => `${formatTimestamp(c.startMs)} ${c.title}`).join("\n");
  return [`In this episode:\n${points}`, chapters.length > 1 ? `Chapters:\n${list}` : ""].filter(Boolean).join("\n\n");
}

export function extractiveDigest(segments: TimedText[]): TranscriptDigest {
  const sentences = extractiveSummary(segments);
  const chapters = extractiveChapters(segments);
  return {
    summary: withoutRepeatedSentences(sentences.join(" ")),
    showNotes: withoutRepeatedSentences(extractiveShowNotes(sentences, chapters)),
    chapters,
  };
}
