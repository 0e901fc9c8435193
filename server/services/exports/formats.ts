import { EXPORT_FORMAT_INFO, type ExportFormat } from "./catalog";
import { renderJson } from "./json";
import type { FontSource } from "./fonts";
import { loadPdf } from "./load-pdf";
import { renderSrt } from "./srt";
import { renderTxt } from "./txt";
import type { ExportTranscript } from "./types";
import { renderVtt } from "./vtt";

export const EXPORT_FORMATS = {
  txt: { ...EXPORT_FORMAT_INFO.txt, render: renderTxt },
  srt: { ...EXPORT_FORMAT_INFO.srt, render: renderSrt },
  vtt: { ...EXPORT_FORMAT_INFO.vtt, render: renderVtt },
  json: { ...EXPORT_FORMAT_INFO.json, render: renderJson },
  // fflate's top level builds its Huffman tables (~5 ms in Node): evaluated on the first DOCX or PDF download,
  // not at Worker start-up.
  docx: {
    ...EXPORT_FORMAT_INFO.docx,
    render: async (transcript: ExportTranscript) => (await import("./docx")).renderDocx(transcript),
  },
  // fontkit and bidi-js are evaluated only when someone downloads a PDF, not at Worker start-up.
  pdf: {
    ...EXPORT_FORMAT_INFO.pdf,
    render: async (transcript: ExportTranscript, options: RenderOptions) =>
      (await loadPdf(options.fonts)).renderPdf(transcript, options),
  },
} satisfies Record<
  ExportFormat,
  {
    contentType: string;
    render: (t: ExportTranscript, options: RenderOptions) => Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>>;
  }
>;

/** What a renderer may need besides the transcript: the PDF's fonts. */
export interface RenderOptions {
  fonts: FontSource;
}

/** "My episode — Zoë.pdf" -> "my-episode-zoe.pdf": ASCII letters, digits and dashes, never empty. */
export function exportFilename(title: string, format: ExportFormat) {
  const base = title
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return `${base || "transcript"}.${format}`;
}
