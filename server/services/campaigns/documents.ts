import { loadPdf } from "../exports/load-pdf";
import type { PdfBlock, PdfOptions } from "../exports/pdf";
import { formatMoney } from "../../lib/money";
import type { getInvoice } from "./invoices";
import type { CampaignReport } from "./report";

export const formatCount = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

const englishPlurals = new Intl.PluralRules("en");

/** "1 impression", "0 impressions", "1,200 impressions": the report's unit with its count, plural-correct. */
export const countOf = (n: number, source: { unitLabel: string; unitSingular: string }) =>
  `${formatCount(n)} ${englishPlurals.select(n) === "one" ? source.unitSingular : source.unitLabel.toLowerCase()}`;

const EVIDENCE_KIND = { promo_code: "Promo code", url: "URL", talking_point: "Talking point" } as const;

const POSITION_WORDS = { pre: "pre-roll", mid: "mid-roll", post: "post-roll" } as const;

export function priceWords(campaign: { pricing: "cpm" | "flat"; rateCents: number; currency: string }) {
  return campaign.pricing === "cpm"
    ? `${formatMoney(campaign.rateCents, campaign.currency)} CPM`
    : `${formatMoney(campaign.rateCents, campaign.currency)} flat fee`;
}

/** The campaign report as paragraphs: the same sections, in the same order, as the web page. */
export function reportBlocks(report: CampaignReport): PdfBlock[] {
  const { campaign, source } = report;
  const unit = source.unitLabel.toLowerCase();
  const blocks: PdfBlock[] = [
    { text: `${campaign.name}: campaign report`, style: "title" },
    {
      text: `${report.advertiserName} with ${report.workspaceName}, ${campaign.startsOn} to ${campaign.endsOn}, ${priceWords(campaign)}.`,
      style: "body",
    },
    { text: source.unitLabel, style: "heading" },
    { text: source.explanation, style: "body" },
    {
      text: `Total: ${countOf(report.totals.delivered, source)} against a goal of ${formatCount(report.totals.goal)}${report.totals.percentOfGoal === null ? "" : ` (${report.totals.percentOfGoal}%)`}.`,
      style: "body",
    },
    { text: "Delivery against goal by flight", style: "heading" },
  ];
  for (const flight of report.flights) {
    blocks.push(
      {
        text: `${flight.name} · ${POSITION_WORDS[flight.position]} · ${flight.startsOn} to ${flight.endsOn}`,
        style: "label",
      },
      {
        text: `${formatCount(flight.delivered)} of ${formatCount(flight.goal)}${flight.percentOfGoal === null ? "" : ` (${flight.percentOfGoal}%)`}, ${flight.status}.`,
        style: "body",
      },
    );
  }
  const table = (heading: string, rows: { label: string; impressions: number }[]) => {
    blocks.push({ text: heading, style: "heading" });
    if (rows.length === 0) blocks.push({ text: `No ${unit} yet.`, style: "body" });
    for (const row of rows) blocks.push({ text: `${row.label}: ${formatCount(row.impressions)}`, style: "body" });
  };
  table("By day (UTC)", report.byDay);
  table("By show", report.byShow);
  table("By episode", report.byEpisode);
  table("By country", report.byCountry);
  table("By app", report.byApp);
  blocks.push({ text: "Host reads", style: "heading" });
  if (report.hostReads.length === 0) blocks.push({ text: "This campaign has no host-read creatives.", style: "body" });
  for (const read of report.hostReads) {
    blocks.push({ text: read.name, style: "label" });
    const details = [read.promoCode && `Promo code ${read.promoCode}`, read.url && `URL ${read.url}`].filter(Boolean);
    if (details.length) blocks.push({ text: details.join(" · "), style: "body" });
    if (read.evidence.length === 0)
      blocks.push({ text: "No transcript of a targeted episode has been searched for this read yet.", style: "body" });
    for (const e of read.evidence)
      blocks.push({
        text: e.found
          ? `${EVIDENCE_KIND[e.kind]} “${e.target}” in ${e.episodeTitle} at ${e.atSeconds}s: “${e.passage}”`
          : `${EVIDENCE_KIND[e.kind]} “${e.target}” in ${e.episodeTitle}: NOT MENTIONED`,
        style: "body",
      });
  }
  blocks.push(
    { text: "Methodology", style: "heading" },
    {
      text: `Counted by ${report.methodology.version}${report.methodology.listsVersion ? ` with user-agent lists ${report.methodology.listsVersion}` : ""}; source: ${unit}.`,
      style: "body",
    },
  );
  return blocks;
}

export async function renderReportPdf(report: CampaignReport, options: PdfOptions) {
  return (await loadPdf(options.fonts)).renderDocumentPdf(
    { title: `${report.campaign.name}: campaign report`, language: "en", blocks: reportBlocks(report) },
    options,
  );
}

type Invoice = Awaited<ReturnType<typeof getInvoice>>;

export function invoiceBlocks(invoice: Invoice): PdfBlock[] {
  const blocks: PdfBlock[] = [
    { text: `Invoice ${invoice.label}`, style: "title" },
    { text: `From ${invoice.workspaceName}`, style: "body" },
    {
      text: `Billed to ${invoice.billTo.name}${invoice.billTo.contact ? `, attention ${invoice.billTo.contact}` : ""}${invoice.billTo.email ? ` (${invoice.billTo.email})` : ""}`,
      style: "body",
    },
    { text: `Issued ${invoice.issuedOn} · due ${invoice.dueOn} · status: ${invoice.status}`, style: "body" },
    { text: "Items", style: "heading" },
  ];
  for (const item of invoice.lineItems)
    blocks.push(
      { text: item.description, style: "label" },
      {
        text:
          item.quantity === 1
            ? formatMoney(item.amountCents, invoice.currency)
            : `${formatCount(item.quantity)} × ${formatMoney(item.unitAmountCents, invoice.currency)} per thousand = ${formatMoney(item.amountCents, invoice.currency)}`,
        style: "body",
      },
    );
  blocks.push({ text: `Total due: ${formatMoney(invoice.totalCents, invoice.currency)}`, style: "heading" });
  if (invoice.notes) blocks.push({ text: invoice.notes, style: "body" });
  return blocks;
}

export async function renderInvoicePdf(invoice: Invoice, options: PdfOptions) {
  return (await loadPdf(options.fonts)).renderDocumentPdf(
    { title: `Invoice ${invoice.label}`, language: "en", blocks: invoiceBlocks(invoice) },
    options,
  );
}
