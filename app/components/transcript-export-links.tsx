import { EXPORT_FORMAT_INFO, EXPORT_FORMAT_NAMES, exportPath } from "../../server/services/exports/catalog";

/** Download links for a transcript in every export format (served by GET /api/transcripts/:id/export.:format). */
export function TranscriptExportLinks({ transcriptId }: { transcriptId: string }) {
  return (
    <nav className="export-links" aria-label="Download the transcript">
      <span className="export-links-title">Download</span>
      <ul>
        {EXPORT_FORMAT_NAMES.map((format) => (
          <li key={format}>
            <a href={exportPath(transcriptId, format)} download className="button button-secondary button-small">
              {format.toUpperCase()}
              <span className="visually-hidden"> ({EXPORT_FORMAT_INFO[format].label})</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
