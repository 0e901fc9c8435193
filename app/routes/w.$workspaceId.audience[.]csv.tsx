import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { csvLine } from "../../server/services/audience/csv";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { memberFilters } from "./w.$workspaceId.audience._index";

const COLUMNS = ["name", "email", "status", "source", "joinedAt", "newsletters", "tiers"] as const;

/** The members list as CSV, with the list page's filters. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    const { rows } = await context.api.audience.exportMembers({
      workspaceId: params.workspaceId ?? "",
      filters: memberFilters(new URL(request.url)),
    });
    const lines = [COLUMNS.join(","), ...rows.map((row) => csvLine(COLUMNS.map((column) => row[column])))];
    return new Response(`${lines.join("\r\n")}\r\n`, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="members.csv"',
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}
