import { cueEnd, oneLine, timecode, type ExportTranscript } from "./types";

/** SubRip: numbered cues, "00:01:02,345 --> 00:01:04,000", one text line, a blank line between cues. */
export function renderSrt(transcript: ExportTranscript): Uint8Array<ArrayBuffer> {
  const cues = transcript.segments.map((segment, index) => {
    // "-->" inside the text would read as a timing line to some parsers.
    const text = `${segment.speaker ? `${oneLine(segment.speaker)}: ` : ""}${oneLine(segment.text)}`.replace(
      /-->/g,
      "→",
    );
    return `${index + 1}\n${timecode(segment.startMs, ",")} --> ${timecode(cueEnd(segment), ",")}\n${text}\n`;
  });
  return new TextEncoder().encode(cues.join("\n"));
}
