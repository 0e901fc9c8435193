import { EXPORT_FORMAT_INFO, type ExportFormat } from "./catalog";
import { renderDocx } from "./docx";
import { renderJson } from "./json";
import { renderPdf } from "./pdf";
import { renderSrt } from "./srt";
import { renderTxt } from "./txt";
import type { ExportTranscript } from "./types";
import { renderVtt } from "./vtt";

export const EXPORT_FORMATS = {
  txt: { ...EXPORT_FORMAT_INFO.txt, render: renderTxt },
  srt: { ...EXPORT_FORMAT_INFO.srt, render: renderSrt },
  vtt: { ...EXPORT_FORMAT_INFO.vtt, render: renderVtt },
  json: { ...EXPORT_FORMAT_INFO.json, render: renderJson },
  docx: { ...EXPORT_FORMAT_INFO.docx, render: renderDocx },
  pdf: { ...EXPORT_FORMAT_INFO.pdf, render: renderPdf },
} satisfies Record<ExportFormat, { contentType: string; render: (t: ExportTranscript) => Uint8Array<ArrayBuffer> }>;

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
