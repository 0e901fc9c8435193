import { cueEnd, oneLine, timecode, type ExportTranscript } from "./types";

// WebVTT cue text is markup: &, < and > must be escaped (which also rules out a literal "-->").
const escapeCueText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** WebVTT: "WEBVTT", then cues "00:01:02.345 --> 00:01:04.000" with the speaker as a voice span. */
export function renderVtt(transcript: ExportTranscript): Uint8Array<ArrayBuffer> {
  const cues = transcript.segments.map((segment) => {
    const voice = segment.speaker ? `<v ${escapeCueText(oneLine(segment.speaker))}>` : "";
    return `${timecode(segment.startMs, ".")} --> ${timecode(cueEnd(segment), ".")}\n${voice}${escapeCueText(oneLine(segment.text))}\n`;
  });
  return new TextEncoder().encode(["WEBVTT\n", ...cues].join("\n"));
}
