import type { ExportTranscript } from "./types";

/** A stable, documented shape for other tools: times in milliseconds, segments in order. */
export function renderJson(transcript: ExportTranscript): Uint8Array<ArrayBuffer> {
  const body = {
    format: "greenroom.transcript",
    version: 1,
    id: transcript.id,
    title: transcript.title,
    language: transcript.language,
    summary: transcript.summary,
    chapters: transcript.chapters.map((c) => ({ startMs: c.startMs, title: c.title })),
    segments: transcript.segments.map((s) => ({
      startMs: s.startMs,
      endMs: s.endMs,
      speaker: s.speaker,
      text: s.text,
    })),
  };
  return new TextEncoder().encode(`${JSON.stringify(body, null, 2)}\n`);
}
