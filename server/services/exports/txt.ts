import { clockTime, oneLine, type ExportTranscript } from "./types";

/** Plain text: title, then one "[hh:mm:ss] Speaker: text" line per segment. */
export function renderTxt(transcript: ExportTranscript): Uint8Array<ArrayBuffer> {
  const lines = [
    transcript.title,
    "",
    ...transcript.segments.map(
      (s) => `[${clockTime(s.startMs)}] ${s.speaker ? `${oneLine(s.speaker)}: ` : ""}${oneLine(s.text)}`,
    ),
  ];
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}
