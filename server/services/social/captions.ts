import { and, asc, eq } from "drizzle-orm";
import * as z from "zod";
import type { DbOrTx } from "../../../db/client";
import { episodes, transcripts, transcriptSegments } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import {
  contentWords,
  extractiveSummary,
  llmProvidersFromEnv,
  type ChatMessage,
  type LlmProvider,
} from "../transcription/summary";

/** Instagram's caption limits. */
export const CAPTION_MAX_CHARS = 2200;
export const CAPTION_MAX_HASHTAGS = 30;
/** Hashtags suggested at most: a handful of relevant ones reach further than thirty generic ones. */
const SUGGESTED_HASHTAGS = 10;
/** About 3k tokens of source: enough for a caption, cheap per click. */
const PROMPT_SOURCE_CHARS = 12_000;

export const CAPTION_SOURCE_TYPES = ["transcript", "episode"] as const;
export type CaptionSourceType = (typeof CAPTION_SOURCE_TYPES)[number];

export interface CaptionSuggestions {
  source: "llm" | "keywords";
  label: string;
  captions: string[];
  hashtags: string[];
}

const CAPTIONS_JSON_SCHEMA = {
  type: "object",
  properties: {
    captions: { type: "array", items: { type: "string" } },
    hashtags: { type: "array", items: { type: "string" } },
  },
  required: ["captions", "hashtags"],
};

const ZAnswer = z.object({
  captions: z.array(z.string().trim().min(1)).min(1).max(5),
  hashtags: z.array(z.string()).max(60),
});

interface SourceText {
  title: string | null;
  /** Paragraph-like pieces of text in reading order (transcript segments, or the episode's description). */
  passages: string[];
}

/** The transcript's or episode's text, only from the caller's workspace (another workspace's is NOT_FOUND). */
async function loadSource(opts: {
  db: DbOrTx;
  workspaceId: string;
  sourceType: CaptionSourceType;
  sourceId: string;
}): Promise<SourceText> {
  if (opts.sourceType === "transcript") {
    const [transcript] = await opts.db
      .select({ id: transcripts.id })
      .from(transcripts)
      .where(and(eq(transcripts.id, opts.sourceId), eq(transcripts.workspaceId, opts.workspaceId)));
    if (!transcript) throw new AppError("NOT_FOUND", "Transcript not found.");
    const segments = await opts.db
      .select({ text: transcriptSegments.text })
      .from(transcriptSegments)
      .where(
        and(eq(transcriptSegments.transcriptId, transcript.id), eq(transcriptSegments.workspaceId, opts.workspaceId)),
      )
      .orderBy(asc(transcriptSegments.position));
    return { title: null, passages: segments.map((s) => s.text) };
  }
  const [episode] = await opts.db
    .select({ title: episodes.title, description: episodes.description })
    .from(episodes)
    .where(and(eq(episodes.id, opts.sourceId), eq(episodes.workspaceId, opts.workspaceId)));
  if (!episode) throw new AppError("NOT_FOUND", "Episode not found.");
  return { title: episode.title, passages: episode.description.split(/\n+/).filter((line) => line.trim()) };
}

const countHashtags = (text: string) => (text.match(/(^|\s)#[\p{L}\p{N}_]+/gu) ?? []).length;

/** "#Audio Gear!" → "#AudioGear"; null when nothing usable is left. */
function normaliseHashtag(tag: string): string | null {
  const body = tag
    .replace(/^#+/, "")
    .replace(/['’]s\b/giu, "")
    .replace(/[^\p{L}\p{N}_]/gu, "");
  return body && !/^\d+$/.test(body) ? `#${body}` : null;
}

/** Unique (case-insensitively) and within the hashtag allowance left by the draft's own hashtags. */
function tidyHashtags(tags: string[], allowance: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    const normal = normaliseHashtag(tag);
    if (!normal || seen.has(normal.toLowerCase())) continue;
    seen.add(normal.toLowerCase());
    out.push(normal);
  }
  return out.slice(0, Math.max(0, Math.min(allowance, SUGGESTED_HASHTAGS)));
}

/** Cut at a word boundary so caption + blank line + hashtags fits in Instagram's 2200 characters. */
function fitCaption(caption: string, hashtags: string[]): string {
  const room = CAPTION_MAX_CHARS - (hashtags.length > 0 ? hashtags.join(" ").length + 2 : 0);
  const text = caption.trim();
  if (text.length <= room) return text;
  const cut = text.slice(0, room - 1);
  const boundary = cut.lastIndexOf(" ");
  return `${(boundary > room / 2 ? cut.slice(0, boundary) : cut).trimEnd()}…`;
}

/** Captions and hashtags within Instagram's limits, keeping the hashtags the captions themselves use in count. */
function withinLimits(
  captions: string[],
  hashtags: string[],
  draft: string | undefined,
): { captions: string[]; hashtags: string[] } {
  const used = Math.max(countHashtags(draft ?? ""), ...captions.map(countHashtags));
  const tags = tidyHashtags(hashtags, CAPTION_MAX_HASHTAGS - used);
  return { captions: [...new Set(captions.map((c) => fitCaption(c, tags)))], hashtags: tags };
}

function promptSource(source: SourceText | null, draft: string | undefined): string {
  const parts = [
    source?.title ? `Title: ${source.title}` : "",
    source && source.passages.length > 0 ? `Text:\n${source.passages.join("\n").slice(0, PROMPT_SOURCE_CHARS)}` : "",
    draft ? `The author's draft caption:\n${draft}` : "",
  ];
  return parts.filter(Boolean).join("\n\n");
}

function captionMessages(source: SourceText | null, draft: string | undefined): ChatMessage[] {
  return [
    {
      role: "system",
      content:
        "You write Instagram captions for a podcast's social posts. Answer with one JSON object " +
        '{"captions": [string, string, string], "hashtags": [string]}. ' +
        "captions: three different options, each under 600 characters, in the text's language, without hashtags, using only what the text says. " +
        "hashtags: up to 10 relevant hashtags without spaces.",
    },
    { role: "user", content: promptSource(source, draft) },
  ];
}

async function llmCaptions(providers: LlmProvider[], source: SourceText | null, draft: string | undefined) {
  for (const provider of providers) {
    try {
      const parsed = ZAnswer.safeParse(await provider.completeJson(captionMessages(source, draft)));
      if (parsed.success) return parsed.data;
      console.warn(
        JSON.stringify({
          event: "captions.provider_failed",
          provider: provider.id,
          error: "The answer was not the captions and hashtags asked for.",
        }),
      );
    } catch (error) {
      console.warn(
        JSON.stringify({
          event: "captions.provider_failed",
          provider: provider.id,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }
  return null;
}

/** Content words by frequency, ties by first appearance. */
export function rankKeywords(text: string): string[] {
  const counts = new Map<string, { n: number; first: number }>();
  contentWords(text).forEach((word, index) => {
    const entry = counts.get(word) ?? { n: 0, first: index };
    entry.n += 1;
    counts.set(word, entry);
  });
  return [...counts.entries()].sort((a, b) => b[1].n - a[1].n || a[1].first - b[1].first).map(([word]) => word);
}

const listOf = (words: string[]) =>
  words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;

/** Offline captions: the source's most representative sentences and its most frequent words. */
function keywordCaptions(
  source: SourceText | null,
  draft: string | undefined,
): { captions: string[]; hashtags: string[] } {
  const passages = [...(source?.passages ?? []), ...(draft ? [draft] : [])];
  const allText = [source?.title ?? "", ...passages].join("\n");
  const keywords = rankKeywords(allText);
  if (keywords.length === 0) throw new AppError("BAD_REQUEST", "There is not enough text to suggest a caption from.");
  const lead = extractiveSummary(
    passages.map((text) => ({ startMs: 0, endMs: 0, text })),
    2,
  ).join(" ");
  const topics = listOf(keywords.slice(0, 3));
  const captions = [
    source?.title ? `New episode: ${source.title}. ${lead}`.trim() : lead,
    `This time we get into ${topics}. Listen now, link in bio.`,
    `What's your take on ${keywords[0]}? Tell us in the comments.`,
  ].filter((c) => c.trim());
  return { captions, hashtags: keywords };
}

/**
 * Caption options and hashtags for a post, from a transcript or an episode of the workspace (and/or the draft
 * caption). Uses the configured LLM providers in order; without one, or when every one fails, builds them from
 * the text's keywords and says so in `label`.
 */
export async function suggestCaptions(opts: {
  db: DbOrTx;
  workspaceId: string;
  env: Parameters<typeof llmProvidersFromEnv>[0];
  caption?: string;
  sourceType?: CaptionSourceType;
  sourceId?: string;
}): Promise<CaptionSuggestions> {
  const draft = opts.caption?.trim() || undefined;
  if (opts.sourceType && !opts.sourceId)
    throw new AppError("BAD_REQUEST", "Pick the transcript or episode to suggest from.", {
      fieldErrors: { sourceId: ["Pick a source."] },
    });
  const source =
    opts.sourceType && opts.sourceId
      ? await loadSource({
          db: opts.db,
          workspaceId: opts.workspaceId,
          sourceType: opts.sourceType,
          sourceId: opts.sourceId,
        })
      : null;
  if (!draft && (!source || (source.passages.length === 0 && !source.title))) {
    throw new AppError("BAD_REQUEST", "Write a caption or pick a transcript or episode with text to suggest from.");
  }
  const providers = llmProvidersFromEnv(opts.env, { jsonSchema: CAPTIONS_JSON_SCHEMA });
  const answer = providers.length > 0 ? await llmCaptions(providers, source, draft) : null;
  if (answer)
    return {
      source: "llm",
      label: "Suggested by AI; check before posting",
      ...withinLimits(answer.captions, answer.hashtags, draft),
    };
  const fallback = keywordCaptions(source, draft);
  return {
    source: "keywords",
    label:
      providers.length > 0
        ? "Suggested from keywords (the AI provider did not answer)"
        : "Suggested from keywords (no AI provider configured)",
    ...withinLimits(fallback.captions, fallback.hashtags, draft),
  };
}
