/**
 * Proof of a host read (issue 14 item 7): find the creative's promo code, URL and talking points in the episode's
 * transcript. Machine transcripts spell what hosts say ("greenroom dot com slash ten", "save twenty"), so both
 * sides are reduced to the same form before matching: lower case, number words as digits, "dot"/"slash"/"dash"
 * and punctuation dropped. Codes and URLs must appear whole in that compact form (across segment boundaries too);
 * a talking point matches when most of its content words occur close together.
 */

export interface Segment {
  startMs: number;
  endMs: number;
  text: string;
}

export type EvidenceKind = "promo_code" | "url" | "talking_point";

export interface Evidence {
  kind: EvidenceKind;
  /** What was looked for, as the creative states it. */
  target: string;
  found: boolean;
  /** The transcript's words where it was found, and when (stitching-independent: the episode's own time). */
  passage: string | null;
  startMs: number | null;
}

const UNITS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
/** Words ASR writes for URL punctuation; they carry nothing once both sides are compacted. */
const SPOKEN_PUNCTUATION = new Set(["dot", "slash", "dash", "hyphen", "colon", "www", "http", "https", "point"]);

/** Words of a text, lower case, with number words (up to ninety-nine) as digits. */
export function words(text: string): string[] {
  const raw = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .split(" ")
    .filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const tens = TENS.indexOf(raw[i]);
    if (tens >= 2) {
      const unit = UNITS.indexOf(raw[i + 1] ?? "");
      if (unit >= 1 && unit <= 9) {
        out.push(String(tens * 10 + unit));
        i++;
      } else out.push(String(tens * 10));
      continue;
    }
    const unit = UNITS.indexOf(raw[i]);
    out.push(unit >= 0 ? String(unit) : raw[i]);
  }
  return out;
}

/** The compact form codes and URLs are compared in: words joined, spoken punctuation gone. */
const compactWords = (list: string[]) => list.filter((w) => !SPOKEN_PUNCTUATION.has(w));

function findCompact(segments: readonly Segment[], target: string) {
  const wanted = compactWords(words(target.replace(/^https?:\/\//i, "").replace(/^www\./i, ""))).join("");
  if (!wanted) return null;
  // One string of the whole transcript, remembering which segment each character came from.
  let text = "";
  const owner: number[] = [];
  segments.forEach((segment, index) => {
    for (const word of compactWords(words(segment.text))) {
      text += word;
      for (let k = 0; k < word.length; k++) owner.push(index);
    }
  });
  const at = text.indexOf(wanted);
  if (at < 0) return null;
  const [from, to] = [owner[at], owner[at + wanted.length - 1]];
  return { passage: passageOf(segments, from, to), startMs: segments[from].startMs };
}

const passageOf = (segments: readonly Segment[], from: number, to: number) =>
  segments
    .slice(Math.max(0, from - 1), Math.min(segments.length, to + 2))
    .map((s) => s.text.trim())
    .join(" ");

const STOPWORDS = new Set(
  "the a an and or but of to in on for with at by from is are was were be it this that our your you we they their its as".split(
    " ",
  ),
);
/** Share of a talking point's content words that must occur within the window. */
export const TALKING_POINT_SHARE = 0.6;
/** Segments either side a talking point's words may be spread over. */
const WINDOW_SEGMENTS = 2;

function findTalkingPoint(segments: readonly Segment[], point: string) {
  const content = [...new Set(words(point).filter((w) => w.length > 2 && !STOPWORDS.has(w)))];
  if (content.length === 0) return null;
  let best: { share: number; index: number } | null = null;
  for (let i = 0; i < segments.length; i++) {
    const near = new Set(
      segments.slice(Math.max(0, i - WINDOW_SEGMENTS), i + WINDOW_SEGMENTS + 1).flatMap((s) => words(s.text)),
    );
    const own = new Set(words(segments[i].text));
    const share = content.filter((w) => near.has(w)).length / content.length;
    // The passage is anchored on a segment that itself says part of the point.
    if (!content.some((w) => own.has(w))) continue;
    if (!best || share > best.share) best = { share, index: i };
  }
  if (!best || best.share < TALKING_POINT_SHARE) return null;
  return { passage: passageOf(segments, best.index, best.index), startMs: segments[best.index].startMs };
}

/** Evidence for every promo code, URL and talking point of a host-read creative; `found: false` flags a miss. */
export function findHostReadEvidence(opts: {
  segments: readonly Segment[];
  promoCode: string;
  url: string;
  talkingPoints: readonly string[];
}): Evidence[] {
  const ordered = [...opts.segments].sort((a, b) => a.startMs - b.startMs);
  const targets: { kind: EvidenceKind; target: string }[] = [
    ...(opts.promoCode.trim() ? [{ kind: "promo_code" as const, target: opts.promoCode.trim() }] : []),
    ...(opts.url.trim() ? [{ kind: "url" as const, target: opts.url.trim() }] : []),
    ...opts.talkingPoints.filter((p) => p.trim()).map((p) => ({ kind: "talking_point" as const, target: p.trim() })),
  ];
  return targets.map(({ kind, target }) => {
    const hit = kind === "talking_point" ? findTalkingPoint(ordered, target) : findCompact(ordered, target);
    return { kind, target, found: hit !== null, passage: hit?.passage ?? null, startMs: hit?.startMs ?? null };
  });
}
