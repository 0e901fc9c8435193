/** The export formats and how they are served; no renderers here, so the browser bundle can list them cheaply. */
export const EXPORT_FORMAT_INFO = {
  txt: { label: "Plain text", contentType: "text/plain; charset=utf-8" },
  srt: { label: "SubRip subtitles", contentType: "application/x-subrip; charset=utf-8" },
  vtt: { label: "WebVTT captions", contentType: "text/vtt; charset=utf-8" },
  json: { label: "JSON", contentType: "application/json; charset=utf-8" },
  docx: {
    label: "Word document",
    contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  },
  pdf: { label: "PDF", contentType: "application/pdf" },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMAT_INFO;
export const EXPORT_FORMAT_NAMES = Object.keys(EXPORT_FORMAT_INFO) as ExportFormat[];
export const isExportFormat = (value: string): value is ExportFormat => Object.hasOwn(EXPORT_FORMAT_INFO, value);

/** The download address of a transcript in one format. */
export const exportPath = (transcriptId: string, format: ExportFormat) =>
  `/api/transcripts/${transcriptId}/export.${format}`;
