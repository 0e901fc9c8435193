import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { reportCsv } from "../../server/services/campaigns/report";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";

/** The campaign report's cells (day × flight × episode × country × app) as CSV. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    const report = await context.api.campaigns.getReport({
      workspaceId: params.workspaceId ?? "",
      campaignId: params.campaignId ?? "",
    });
    return new Response(reportCsv(report), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="campaign-report.csv"',
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}
