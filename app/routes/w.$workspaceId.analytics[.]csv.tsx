import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";

const DOWNLOAD_COLUMNS = ["day", "show", "episode", "app", "platform", "country", "downloads"] as const;
/** Listeners per day, show (episode blank) and episode; subscribers on the show rows (ADR 035). */
const AUDIENCE_COLUMNS = ["day", "show", "episode", "listeners", "subscribers"] as const;

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed so spreadsheets do not run a title as a formula. */
function csvCell(value: string | number | null) {
  const text = value === null ? "" : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csv<C extends string>(opts: {
  columns: readonly C[];
  rows: Record<C, string | number | null>[];
  truncated: boolean;
  filename: string;
}) {
  const lines = [opts.columns.join(","), ...opts.rows.map((row) => opts.columns.map((c) => csvCell(row[c])).join(","))];
  return new Response(`${lines.join("\r\n")}\r\n`, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${opts.filename}"`,
      "cache-control": "private, no-store",
      ...(opts.truncated ? { "x-greenroom-truncated": "true" } : {}),
    },
  });
}

/**
 * The analytics page's exports, last 90 days of rollups: downloads by cell, or with `?report=audience` the
 * estimated listeners and feed subscribers.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const input = { workspaceId: params.workspaceId ?? "", days: 90 };
  try {
    if (new URL(request.url).searchParams.get("report") === "audience") {
      const { rows, truncated } = await context.api.analytics.exportAudience(input);
      return csv({ columns: AUDIENCE_COLUMNS, rows, truncated, filename: "audience.csv" });
    }
    const { rows, truncated } = await context.api.analytics.exportDownloads(input);
    return csv({ columns: DOWNLOAD_COLUMNS, rows, truncated, filename: "downloads.csv" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}
