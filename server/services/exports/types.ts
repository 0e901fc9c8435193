/** Everything an export format may use of a transcript, already read and tenant-checked. */
export interface ExportTranscript {
  id: string;
  title: string;
  language: string | null;
  summary: string | null;
  chapters: { startMs: number; title: string }[];
  segments: ExportSegment[];
}

export interface ExportSegment {
  startMs: number;
  endMs: number;
  speaker: string | null;
  text: string;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** 01:02:03,456 (SRT) or 01:02:03.456 (WebVTT). */
export function timecode(ms: number, separator: "," | ".") {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${separator}${pad(total % 1000, 3)}`;
}

/** [01:02:03] for reading formats (TXT, DOCX, PDF): a person does not need the milliseconds. */
export function clockTime(ms: number) {
  return timecode(ms, ".").slice(0, 8);
}

/** One line of text: captions and documents have no use for the provider's line breaks. */
export const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** Cue end after its start, as caption players require; zero-length segments last a millisecond. */
export const cueEnd = (segment: ExportSegment) => Math.max(segment.endMs, segment.startMs + 1);
