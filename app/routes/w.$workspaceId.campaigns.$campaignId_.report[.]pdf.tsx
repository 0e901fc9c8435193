import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { renderReportPdf } from "../../server/services/campaigns/documents";
import { assetFontSource } from "../../server/services/exports/fonts";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";

/** The campaign report as PDF, with the transcript export's writer and fonts (ADR 018). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  let report;
  try {
    report = await context.api.campaigns.getReport({
      workspaceId: params.workspaceId ?? "",
      campaignId: params.campaignId ?? "",
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
  const assets = context.cloudflare.env.ASSETS;
  if (!assets) throw new Error("The ASSETS binding (static assets) is missing; PDF fonts are served from it.");
  const bytes = await renderReportPdf(report, { fonts: assetFontSource(assets) });
  return new Response(bytes, {
    headers: {
      "content-type": "application/pdf",
      "content-length": String(bytes.length),
      "content-disposition": 'attachment; filename="campaign-report.pdf"',
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
