import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { renderInvoicePdf } from "../../server/services/campaigns/documents";
import { assetFontSource } from "../../server/services/exports/fonts";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";

/** An advertiser invoice as PDF: the invoice itself while Stripe Invoicing is not connected (ADR 023). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  let invoice;
  try {
    invoice = await context.api.campaigns.getInvoice({
      workspaceId: params.workspaceId ?? "",
      invoiceId: params.invoiceId ?? "",
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
  const assets = context.cloudflare.env.ASSETS;
  if (!assets) throw new Error("The ASSETS binding (static assets) is missing; PDF fonts are served from it.");
  const bytes = await renderInvoicePdf(invoice, { fonts: assetFontSource(assets) });
  return new Response(bytes, {
    headers: {
      "content-type": "application/pdf",
      "content-length": String(bytes.length),
      "content-disposition": `attachment; filename="${invoice.label}.pdf"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
