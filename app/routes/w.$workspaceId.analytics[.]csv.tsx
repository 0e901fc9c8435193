import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";

const COLUMNS = ["day", "show", "episode", "app", "platform", "country", "downloads"] as const;

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed so spreadsheets do not run a title as a formula. */
function csvCell(value: string | number) {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The daily rollup cells of the last 90 days as CSV (the analytics page's export). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    const { rows, truncated } = await context.api.analytics.exportDownloads({
      workspaceId: params.workspaceId ?? "",
      days: 90,
    });
    const lines = [COLUMNS.join(","), ...rows.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(","))];
    return new Response(`${lines.join("\r\n")}\r\n`, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="downloads.csv"',
        "cache-control": "private, no-store",
        ...(truncated ? { "x-greenroom-truncated": "true" } : {}),
      },
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}
