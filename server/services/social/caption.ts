/**
 * Instagram's caption limits, counted the way the composer shows them. Shared by the server (which refuses a
 * caption past a limit) and the composer's live counters, so both count the same thing.
 */
export const CAPTION_LIMITS = { characters: 2200, hashtags: 30, mentions: 20 } as const;

const HASHTAG = /(^|[^\p{L}\p{N}_&#])#[\p{L}\p{N}_]+/gu;
const MENTION = /(^|[^\p{L}\p{N}_.@])@[A-Za-z0-9_.]+/gu;

export interface CaptionCounts {
  characters: number;
  hashtags: number;
  mentions: number;
}

/** Characters are Unicode code points, so an emoji counts once, as Instagram counts it. */
export function countCaption(caption: string): CaptionCounts {
  return {
    characters: [...caption].length,
    hashtags: caption.match(HASHTAG)?.length ?? 0,
    mentions: caption.match(MENTION)?.length ?? 0,
  };
}

/** One message per limit the caption passes, naming the limit; empty when it fits. */
export function captionProblems(caption: string): string[] {
  const counts = countCaption(caption);
  const problems: string[] = [];
  if (counts.characters > CAPTION_LIMITS.characters) {
    problems.push(
      `Captions can be at most ${CAPTION_LIMITS.characters} characters; this one has ${counts.characters}.`,
    );
  }
  if (counts.hashtags > CAPTION_LIMITS.hashtags) {
    problems.push(
      `Instagram allows at most ${CAPTION_LIMITS.hashtags} hashtags in a caption; this one has ${counts.hashtags}.`,
    );
  }
  if (counts.mentions > CAPTION_LIMITS.mentions) {
    problems.push(
      `Instagram allows at most ${CAPTION_LIMITS.mentions} @mentions in a caption; this one has ${counts.mentions}.`,
    );
  }
  return problems;
}
