import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import {
  adDeliveries,
  adHostReadEvidence,
  advertisers,
  analyticsRollups,
  campaignCreatives,
  campaignFlights,
  campaigns,
  campaignShareLinks,
  episodes,
  shows,
  workspaces,
} from "../../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { METHODOLOGY_VERSION } from "../analytics/counting";
import { enforceRateLimits, ipKey } from "../auth/rate-limit";
import { presentCreative, presentFlight } from "./campaigns";
import { linkProblem, SHARE_LINK_LIMITS, UNKNOWN_LINK } from "./share-links";

/**
 * Campaign reports (issue 14 item 8, ADR 023/024). Every figure comes from ONE function, `campaignImpressions`,
 * which reads the delivery rollup (`ad_deliveries`, written by `rollupDay`): an impression is an inserted ad whose
 * every byte reached one listener, counted once per listener, episode and UTC day by the IAB v2.2 screening rules.
 */

/** Which numbers a report is made of; the page, PDF and CSV name them from this. */
export interface ImpressionSource {
  kind: "ad_deliveries";
  /** What one unit is, for headings. */
  unitLabel: string;
  /** One unit, lower case, for "1 impression" (the label is the plural). */
  unitSingular: string;
  /** One sentence a buyer reads under the figures. */
  explanation: string;
}

export const AD_DELIVERIES: ImpressionSource = {
  kind: "ad_deliveries",
  unitLabel: "Impressions",
  unitSingular: "impression",
  explanation:
    "An impression is an inserted ad whose every byte was downloaded by one listener, counted once per listener, episode and UTC day after removing bots, pre-loads and Apple Watch duplicates (IAB Podcast Measurement Guidelines v2.2). A partly downloaded ad counts nothing.",
};

/** Where a report's campaign is found: by id inside a workspace, or by a report link's token. */
interface CampaignScope {
  workspaceId: SQL;
  campaignId: SQL;
}

const scopeById = (workspaceId: string, campaignId: string): CampaignScope => ({
  workspaceId: sql`${workspaceId}::uuid`,
  campaignId: sql`${campaignId}::uuid`,
});

/** A live report link's campaign as subqueries, so the whole report is still one batch keyed by the token. */
function scopeByToken(tokenHash: string, now: Date): CampaignScope {
  const live = sql`${campaignShareLinks.tokenHash} = ${tokenHash} and ${campaignShareLinks.purpose} = 'report' and ${campaignShareLinks.revokedAt} is null and ${campaignShareLinks.expiresAt} > ${now.toISOString()}::timestamptz`;
  return {
    workspaceId: sql`(select ${campaignShareLinks.workspaceId} from ${campaignShareLinks} where ${live})`,
    campaignId: sql`(select ${campaignShareLinks.campaignId} from ${campaignShareLinks} where ${live})`,
  };
}

export interface ImpressionCell {
  flightId: string;
  day: string;
  showId: string;
  showTitle: string;
  episodeId: string;
  episodeTitle: string;
  country: string;
  app: string;
  impressions: number;
}

/** THE read of a campaign's impressions, as an unawaited query so it rides in the report's batch. */
export function campaignImpressions(db: DbOrTx, scope: CampaignScope) {
  return {
    source: AD_DELIVERIES,
    query: db
      .select({
        flightId: adDeliveries.flightId,
        day: adDeliveries.day,
        showId: adDeliveries.showId,
        showTitle: shows.title,
        episodeId: adDeliveries.episodeId,
        episodeTitle: episodes.title,
        country: adDeliveries.country,
        app: adDeliveries.app,
        impressions: sql<number>`sum(${adDeliveries.delivered})`.mapWith(Number),
      })
      .from(adDeliveries)
      .innerJoin(
        campaignFlights,
        and(
          eq(campaignFlights.id, adDeliveries.flightId),
          eq(campaignFlights.workspaceId, adDeliveries.workspaceId),
          eq(campaignFlights.campaignId, scope.campaignId),
        ),
      )
      .innerJoin(shows, and(eq(shows.id, adDeliveries.showId), eq(shows.workspaceId, adDeliveries.workspaceId)))
      .innerJoin(
        episodes,
        and(eq(episodes.id, adDeliveries.episodeId), eq(episodes.workspaceId, adDeliveries.workspaceId)),
      )
      .where(eq(adDeliveries.workspaceId, scope.workspaceId))
      .groupBy(
        adDeliveries.flightId,
        adDeliveries.day,
        adDeliveries.showId,
        shows.title,
        adDeliveries.episodeId,
        episodes.title,
        adDeliveries.country,
        adDeliveries.app,
      )
      .orderBy(
        asc(adDeliveries.day),
        asc(shows.title),
        asc(episodes.title),
        asc(adDeliveries.country),
        asc(adDeliveries.app),
      ),
  };
}

/** Totals of `cells` grouped by `key`, largest first (ties by label). */
function totalsBy(cells: ImpressionCell[], key: (cell: ImpressionCell) => { id: string; label: string }) {
  const totals = new Map<string, { id: string; label: string; impressions: number }>();
  for (const cell of cells) {
    const { id, label } = key(cell);
    const entry = totals.get(id) ?? { id, label, impressions: 0 };
    entry.impressions += cell.impressions;
    totals.set(id, entry);
  }
  return [...totals.values()].sort((a, b) => b.impressions - a.impressions || a.label.localeCompare(b.label));
}

/**
 * What the transcript search says about one host read: `unchecked` until a transcript of a targeted episode was
 * searched, `missing` when any promo code, URL or talking point was not heard, `proven` when all were.
 */
export function hostReadProof(evidence: readonly { found: boolean }[]): "unchecked" | "missing" | "proven" {
  if (evidence.length === 0) return "unchecked";
  return evidence.every((e) => e.found) ? "proven" : "missing";
}

/** Under 100% of the goal is reported as behind once the flight is over, and as it is while it runs. */
function flightDelivery(flight: { impressionsGoal: number }, delivered: number) {
  return {
    delivered,
    goal: flight.impressionsGoal,
    percentOfGoal: flight.impressionsGoal > 0 ? Math.round((delivered / flight.impressionsGoal) * 1000) / 10 : null,
  };
}

async function buildReport(db: DbOrTx, scope: CampaignScope) {
  const impressions = campaignImpressions(db, scope);
  const [campaignRows, flightRows, creativeRows, cells, rollups, evidenceRows] = await readBatch(db, [
    db
      .select({ campaign: campaigns, advertiserName: advertisers.name, workspaceName: workspaces.name })
      .from(campaigns)
      .innerJoin(
        advertisers,
        and(eq(advertisers.id, campaigns.advertiserId), eq(advertisers.workspaceId, campaigns.workspaceId)),
      )
      .innerJoin(workspaces, eq(workspaces.id, campaigns.workspaceId))
      .where(and(eq(campaigns.id, scope.campaignId), eq(campaigns.workspaceId, scope.workspaceId)))
      .limit(1),
    db
      .select()
      .from(campaignFlights)
      .where(and(eq(campaignFlights.campaignId, scope.campaignId), eq(campaignFlights.workspaceId, scope.workspaceId)))
      .orderBy(asc(campaignFlights.startsOn), asc(campaignFlights.id)),
    db
      .select()
      .from(campaignCreatives)
      .where(
        and(
          eq(campaignCreatives.campaignId, scope.campaignId),
          eq(campaignCreatives.workspaceId, scope.workspaceId),
          eq(campaignCreatives.kind, "host_read"),
        ),
      )
      .orderBy(asc(campaignCreatives.createdAt), asc(campaignCreatives.id)),
    impressions.query,
    db
      .select({ methodologyVersion: analyticsRollups.methodologyVersion, listsVersion: analyticsRollups.listsVersion })
      .from(analyticsRollups)
      .where(eq(analyticsRollups.workspaceId, scope.workspaceId))
      .orderBy(desc(analyticsRollups.computedAt))
      .limit(1),
    db
      .select({
        creativeId: adHostReadEvidence.creativeId,
        flightId: adHostReadEvidence.flightId,
        episodeId: adHostReadEvidence.episodeId,
        episodeTitle: episodes.title,
        kind: adHostReadEvidence.kind,
        target: adHostReadEvidence.target,
        found: adHostReadEvidence.found,
        passage: adHostReadEvidence.passage,
        startMs: adHostReadEvidence.startMs,
      })
      .from(adHostReadEvidence)
      .innerJoin(
        campaignFlights,
        and(
          eq(campaignFlights.id, adHostReadEvidence.flightId),
          eq(campaignFlights.workspaceId, adHostReadEvidence.workspaceId),
          eq(campaignFlights.campaignId, scope.campaignId),
        ),
      )
      .innerJoin(
        episodes,
        and(eq(episodes.id, adHostReadEvidence.episodeId), eq(episodes.workspaceId, adHostReadEvidence.workspaceId)),
      )
      .where(eq(adHostReadEvidence.workspaceId, scope.workspaceId))
      .orderBy(asc(episodes.title), asc(adHostReadEvidence.startMs), asc(adHostReadEvidence.target)),
  ]);
  const row = campaignRows[0];
  if (!row) return null;
  const total = cells.reduce((sum, cell) => sum + cell.impressions, 0);
  const goal = flightRows.filter((f) => f.status !== "canceled").reduce((sum, f) => sum + f.impressionsGoal, 0);
  return {
    workspaceName: row.workspaceName,
    advertiserName: row.advertiserName,
    campaign: {
      id: row.campaign.id,
      name: row.campaign.name,
      status: row.campaign.status,
      pricing: row.campaign.pricing,
      rateCents: row.campaign.rateCents,
      budgetCents: row.campaign.budgetCents,
      currency: row.campaign.currency,
      startsOn: row.campaign.startsOn,
      endsOn: row.campaign.endsOn,
    },
    source: impressions.source,
    methodology: {
      version: rollups.at(0)?.methodologyVersion ?? METHODOLOGY_VERSION,
      listsVersion: rollups.at(0)?.listsVersion ?? null,
      source: impressions.source.kind,
    },
    totals: { ...flightDelivery({ impressionsGoal: goal }, total) },
    flights: flightRows.map((flight) => ({
      ...presentFlight(flight),
      ...flightDelivery(
        flight,
        cells.filter((cell) => cell.flightId === flight.id).reduce((sum, cell) => sum + cell.impressions, 0),
      ),
    })),
    byDay: totalsBy(cells, (cell) => ({ id: cell.day, label: cell.day })).sort((a, b) => a.id.localeCompare(b.id)),
    byShow: totalsBy(cells, (cell) => ({ id: cell.showId, label: cell.showTitle })),
    byEpisode: totalsBy(cells, (cell) => ({ id: cell.episodeId, label: cell.episodeTitle })),
    byCountry: totalsBy(cells, (cell) => ({ id: cell.country, label: cell.country })),
    byApp: totalsBy(cells, (cell) => ({ id: cell.app, label: cell.app })),
    cells,
    hostReads: creativeRows.map((creative) => {
      const evidence = evidenceRows
        .filter((row) => row.creativeId === creative.id)
        .map(({ creativeId: _creative, startMs, ...row }) => ({
          ...row,
          atSeconds: startMs === null ? null : Math.floor(startMs / 1000),
        }));
      return { ...presentCreative(creative), evidence, proof: hostReadProof(evidence) };
    }),
    missingMentions: evidenceRows.filter((row) => !row.found).length,
  };
}

export type CampaignReport = NonNullable<Awaited<ReturnType<typeof buildReport>>>;

export async function getCampaignReport(opts: { db: DbOrTx; workspaceId: string; campaignId: string }) {
  const report = await buildReport(opts.db, scopeById(opts.workspaceId, opts.campaignId));
  if (!report) throw notFound("Campaign");
  return report;
}

/**
 * The report behind a report link, for the advertiser: one round trip (the rate limit beside one batch keyed by
 * the token). A revoked or expired link says so instead.
 */
export async function openReportLink(opts: { db: DbOrTx; token: string; ip: string | null; now: Date }) {
  const tokenHash = sha256Hex(opts.token);
  const [, [links], report] = await Promise.all([
    enforceRateLimits({
      db: opts.db,
      now: opts.now,
      limits: [[ipKey("campaign-link-open", opts.ip), SHARE_LINK_LIMITS.openPerIp]],
      message: (wait) => `Too many links opened from your network. Try again in ${wait}.`,
    }),
    readBatch(opts.db, [
      opts.db
        .select({ revokedAt: campaignShareLinks.revokedAt, expiresAt: campaignShareLinks.expiresAt })
        .from(campaignShareLinks)
        .where(and(eq(campaignShareLinks.tokenHash, tokenHash), eq(campaignShareLinks.purpose, "report")))
        .limit(1),
    ]),
    buildReport(opts.db, scopeByToken(tokenHash, opts.now)),
  ]);
  const link = links[0];
  if (!link) throw new AppError("NOT_FOUND", UNKNOWN_LINK);
  const problem = linkProblem(link, opts.now);
  return { problem, report: problem ? null : report };
}

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed so spreadsheets do not run a title as a formula. */
function csvCell(value: string | number) {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report's cells as CSV; the count column is named after what it counts. */
export function reportCsv(report: CampaignReport) {
  const countColumn = "impressions";
  const flightName = new Map(report.flights.map((flight) => [flight.id, flight.name]));
  const header = ["day", "flight", "show", "episode", "country", "app", countColumn, "methodology"];
  const lines = report.cells.map((cell) =>
    [
      cell.day,
      flightName.get(cell.flightId) ?? "",
      cell.showTitle,
      cell.episodeTitle,
      cell.country,
      cell.app,
      cell.impressions,
      report.methodology.version,
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
