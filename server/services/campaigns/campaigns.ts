import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import {
  adDeliveries,
  adHostReadEvidence,
  advertisers,
  campaignApprovals,
  campaignCreatives,
  campaignFlights,
  campaignFlightTargets,
  campaigns,
  campaignShareLinks,
  episodes,
  invoices,
  mediaObjects,
  shows,
  type CampaignPricing,
  type CampaignStatus,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { flightPacing } from "../ads/pacing";
import { utcDay } from "../analytics/listener";
import { requireAdvertiser } from "./advertisers";
import { auditAs, deleteUnlessNamed, requireOwned, type Actor } from "./records";

export interface CampaignFields {
  advertiserId: string;
  name: string;
  budgetCents: number;
  currency: string;
  pricing: CampaignPricing;
  rateCents: number;
  startsOn: string;
  endsOn: string;
  ioContactName: string;
  ioContactEmail: string;
  status: CampaignStatus;
  notes: string;
}

export const CAMPAIGN_LIST_LIMIT = 200;

/** Start dates before end dates, said on the field that is wrong. */
export function checkDateRange(startsOn: string, endsOn: string, what: string) {
  if (endsOn < startsOn)
    throw new AppError("BAD_REQUEST", `The ${what} cannot end before it starts.`, {
      fieldErrors: { endsOn: [`Choose an end date on or after ${startsOn}.`] },
    });
}

export async function listCampaigns(opts: { db: DbOrTx; workspaceId: string; status?: CampaignStatus | null }) {
  const rows = await opts.db
    .select({
      id: campaigns.id,
      name: campaigns.name,
      status: campaigns.status,
      pricing: campaigns.pricing,
      budgetCents: campaigns.budgetCents,
      currency: campaigns.currency,
      startsOn: campaigns.startsOn,
      endsOn: campaigns.endsOn,
      advertiserId: campaigns.advertiserId,
      advertiserName: advertisers.name,
      flightCount:
        sql<number>`(select count(*) from ${campaignFlights} where ${campaignFlights.campaignId} = ${campaigns.id} and ${campaignFlights.workspaceId} = ${campaigns.workspaceId})`.mapWith(
          Number,
        ),
      impressionsGoal:
        sql<number>`(select coalesce(sum(${campaignFlights.impressionsGoal}), 0) from ${campaignFlights} where ${campaignFlights.campaignId} = ${campaigns.id} and ${campaignFlights.workspaceId} = ${campaigns.workspaceId} and ${campaignFlights.status} <> 'canceled')`.mapWith(
          Number,
        ),
    })
    .from(campaigns)
    .innerJoin(
      advertisers,
      and(eq(advertisers.id, campaigns.advertiserId), eq(advertisers.workspaceId, campaigns.workspaceId)),
    )
    .where(
      and(eq(campaigns.workspaceId, opts.workspaceId), opts.status ? eq(campaigns.status, opts.status) : undefined),
    )
    .orderBy(desc(campaigns.startsOn), asc(campaigns.id))
    .limit(CAMPAIGN_LIST_LIMIT + 1);
  return { items: rows.slice(0, CAMPAIGN_LIST_LIMIT), truncated: rows.length > CAMPAIGN_LIST_LIMIT };
}

/**
 * Host-read mentions the transcript search did not hear (ADR 024) in the campaign's flights: listed on the campaign
 * page and counted before a report link is shared.
 */
export function missingMentionsQuery(db: DbOrTx, workspaceId: string, campaignId: string) {
  return db
    .select({
      creativeId: adHostReadEvidence.creativeId,
      flightId: adHostReadEvidence.flightId,
      episodeId: adHostReadEvidence.episodeId,
      episodeTitle: episodes.title,
      kind: adHostReadEvidence.kind,
      target: adHostReadEvidence.target,
    })
    .from(adHostReadEvidence)
    .innerJoin(
      campaignFlights,
      and(
        eq(campaignFlights.id, adHostReadEvidence.flightId),
        eq(campaignFlights.workspaceId, adHostReadEvidence.workspaceId),
      ),
    )
    .innerJoin(
      episodes,
      and(eq(episodes.id, adHostReadEvidence.episodeId), eq(episodes.workspaceId, adHostReadEvidence.workspaceId)),
    )
    .where(
      and(
        eq(adHostReadEvidence.workspaceId, workspaceId),
        eq(campaignFlights.campaignId, campaignId),
        eq(adHostReadEvidence.found, false),
      ),
    )
    .orderBy(asc(episodes.title), asc(adHostReadEvidence.target));
}

/** Everything the campaign page shows, as one batch (one round trip, ADR 016). */
export async function getCampaign(opts: { db: DbOrTx; workspaceId: string; campaignId: string; now: Date }) {
  const { db, workspaceId, campaignId } = opts;
  const [campaignRows, flightRows, targetRows, creativeRows, approvalRows, linkRows, invoiceRows, missingRows] =
    await readBatch(db, [
      db
        .select({ campaign: campaigns, advertiser: advertisers })
        .from(campaigns)
        .innerJoin(
          advertisers,
          and(eq(advertisers.id, campaigns.advertiserId), eq(advertisers.workspaceId, campaigns.workspaceId)),
        )
        .where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId)))
        .limit(1),
      // Each flight with what it delivered (ADR 024's ad_deliveries) for pacing, and when its host reads were last
      // searched for. Drizzle leaves columns unqualified in a one-table select, so the correlation names the outer
      // table itself (unqualified, "id" would resolve to the subquery's own table).
      db
        .select({
          flight: campaignFlights,
          delivered:
            sql<number>`(select coalesce(sum(d.delivered), 0) from ${adDeliveries} d where d.flight_id = "campaign_flights"."id" and d.workspace_id = "campaign_flights"."workspace_id")`.mapWith(
              Number,
            ),
          hostReadsCheckedAt:
            sql<Date | null>`(select max(e.checked_at) from ${adHostReadEvidence} e where e.flight_id = "campaign_flights"."id" and e.workspace_id = "campaign_flights"."workspace_id")`.mapWith(
              adHostReadEvidence.checkedAt,
            ),
        })
        .from(campaignFlights)
        .where(and(eq(campaignFlights.campaignId, campaignId), eq(campaignFlights.workspaceId, workspaceId)))
        .orderBy(asc(campaignFlights.startsOn), asc(campaignFlights.id)),
      db
        .select({
          flightId: campaignFlightTargets.flightId,
          showId: sql<string>`coalesce(${campaignFlightTargets.showId}, ${episodes.showId})`,
          showTitle: shows.title,
          episodeId: campaignFlightTargets.episodeId,
          episodeTitle: episodes.title,
        })
        .from(campaignFlightTargets)
        .innerJoin(
          campaignFlights,
          and(
            eq(campaignFlights.id, campaignFlightTargets.flightId),
            eq(campaignFlights.workspaceId, campaignFlightTargets.workspaceId),
          ),
        )
        .leftJoin(
          episodes,
          and(
            eq(episodes.id, campaignFlightTargets.episodeId),
            eq(episodes.workspaceId, campaignFlightTargets.workspaceId),
          ),
        )
        .innerJoin(
          shows,
          and(
            eq(shows.id, sql`coalesce(${campaignFlightTargets.showId}, ${episodes.showId})`),
            eq(shows.workspaceId, campaignFlightTargets.workspaceId),
          ),
        )
        .where(and(eq(campaignFlights.campaignId, campaignId), eq(campaignFlightTargets.workspaceId, workspaceId)))
        .orderBy(asc(shows.title), asc(episodes.title)),
      db
        .select({ creative: campaignCreatives, mediaFilename: mediaObjects.filename })
        .from(campaignCreatives)
        .leftJoin(
          mediaObjects,
          and(
            eq(mediaObjects.id, campaignCreatives.mediaId),
            eq(mediaObjects.workspaceId, campaignCreatives.workspaceId),
          ),
        )
        .where(and(eq(campaignCreatives.campaignId, campaignId), eq(campaignCreatives.workspaceId, workspaceId)))
        .orderBy(asc(campaignCreatives.createdAt), asc(campaignCreatives.id)),
      db
        .select()
        .from(campaignApprovals)
        .where(and(eq(campaignApprovals.campaignId, campaignId), eq(campaignApprovals.workspaceId, workspaceId)))
        .orderBy(desc(campaignApprovals.decidedAt), desc(campaignApprovals.id)),
      db
        .select({
          id: campaignShareLinks.id,
          purpose: campaignShareLinks.purpose,
          expiresAt: campaignShareLinks.expiresAt,
          revokedAt: campaignShareLinks.revokedAt,
          createdAt: campaignShareLinks.createdAt,
        })
        .from(campaignShareLinks)
        .where(and(eq(campaignShareLinks.campaignId, campaignId), eq(campaignShareLinks.workspaceId, workspaceId)))
        .orderBy(desc(campaignShareLinks.createdAt), desc(campaignShareLinks.id)),
      db
        .select({
          id: invoices.id,
          number: invoices.number,
          status: invoices.status,
          totalCents: invoices.totalCents,
          currency: invoices.currency,
          issuedOn: invoices.issuedOn,
          dueOn: invoices.dueOn,
          stripeInvoiceId: invoices.stripeInvoiceId,
        })
        .from(invoices)
        .where(and(eq(invoices.campaignId, campaignId), eq(invoices.workspaceId, workspaceId)))
        .orderBy(desc(invoices.number)),
      missingMentionsQuery(db, workspaceId, campaignId),
    ]);
  const row = campaignRows[0];
  if (!row) throw notFound("Campaign");
  return {
    ...presentCampaign(row.campaign),
    advertiser: { id: row.advertiser.id, name: row.advertiser.name, contacts: row.advertiser.contacts },
    flights: flightRows.map(({ flight, delivered, hostReadsCheckedAt }) => ({
      ...presentFlight(flight),
      pacing: flightPacing({
        goal: flight.impressionsGoal,
        startsOn: flight.startsOn,
        endsOn: flight.endsOn,
        delivered,
        today: utcDay(opts.now),
      }),
      hostReadsCheckedAt,
      targets: targetRows
        .filter((target) => target.flightId === flight.id)
        .map(({ flightId: _flight, ...target }) => target),
    })),
    creatives: creativeRows.map(({ creative, mediaFilename }) => ({
      ...presentCreative(creative),
      mediaFilename,
      approval: latestDecision(
        approvalRows.filter((a) => a.creativeId === creative.id && a.creativeRevision === creative.revision),
      ),
    })),
    ioApproval: latestDecision(approvalRows.filter((a) => a.creativeId === null)),
    shareLinks: linkRows,
    invoices: invoiceRows,
    missingMentions: missingRows,
  };
}

function latestDecision(rows: (typeof campaignApprovals.$inferSelect)[]) {
  const latest = rows[0];
  return latest
    ? {
        decision: latest.decision,
        comment: latest.comment,
        decidedByName: latest.decidedByName,
        decidedByEmail: latest.decidedByEmail,
        decidedAt: latest.decidedAt,
      }
    : null;
}

export function presentCampaign(row: typeof campaigns.$inferSelect) {
  return {
    id: row.id,
    advertiserId: row.advertiserId,
    name: row.name,
    budgetCents: row.budgetCents,
    currency: row.currency,
    pricing: row.pricing,
    rateCents: row.rateCents,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    ioContactName: row.ioContactName,
    ioContactEmail: row.ioContactEmail,
    status: row.status,
    notes: row.notes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function presentFlight(row: typeof campaignFlights.$inferSelect) {
  return {
    id: row.id,
    campaignId: row.campaignId,
    name: row.name,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    position: row.position,
    impressionsGoal: row.impressionsGoal,
    priority: row.priority,
    frequency: row.frequencyCap && row.frequencyDays ? { cap: row.frequencyCap, days: row.frequencyDays } : null,
    status: row.status,
  };
}

export function presentCreative(row: typeof campaignCreatives.$inferSelect) {
  return {
    id: row.id,
    campaignId: row.campaignId,
    flightId: row.flightId,
    name: row.name,
    kind: row.kind,
    script: row.script,
    talkingPoints: row.talkingPoints,
    promoCode: row.promoCode,
    url: row.url,
    mediaId: row.mediaId,
    durationSeconds: row.durationSeconds,
    audioEncoding: row.audioEncoding,
    revision: row.revision,
  };
}

export async function createCampaign(input: Actor & { fields: CampaignFields }) {
  checkDateRange(input.fields.startsOn, input.fields.endsOn, "campaign");
  return input.db.transaction(async (tx) => {
    await requireAdvertiser({ db: tx, workspaceId: input.workspaceId, advertiserId: input.fields.advertiserId });
    const [row] = await tx
      .insert(campaigns)
      .values({
        ...input.fields,
        workspaceId: input.workspaceId,
        createdBy: input.actorUserId,
        createdAt: input.now,
        updatedAt: input.now,
      })
      .returning();
    await auditAs({ ...input, db: tx }, "campaign.created", { campaignId: row.id, name: row.name });
    return presentCampaign(row);
  });
}

export async function updateCampaign(input: Actor & { campaignId: string; fields: CampaignFields }) {
  checkDateRange(input.fields.startsOn, input.fields.endsOn, "campaign");
  return input.db.transaction(async (tx) => {
    await requireAdvertiser({ db: tx, workspaceId: input.workspaceId, advertiserId: input.fields.advertiserId });
    const [row] = await tx
      .update(campaigns)
      .set({ ...input.fields, updatedAt: input.now })
      .where(and(eq(campaigns.id, input.campaignId), eq(campaigns.workspaceId, input.workspaceId)))
      .returning();
    if (!row) throw notFound("Campaign");
    await auditAs({ ...input, db: tx }, "campaign.updated", { campaignId: row.id, name: row.name, status: row.status });
    return presentCampaign(row);
  });
}

/** Flights, creatives, links and approvals go with it; a campaign that was invoiced stays (the invoice names it). */
export function deleteCampaign(input: Actor & { campaignId: string }) {
  return deleteUnlessNamed({
    ...input,
    table: campaigns,
    id: input.campaignId,
    dependents: invoices,
    dependentColumn: invoices.campaignId,
    refusal: (row) =>
      `${row.name} has invoices, which must keep naming it. Cancel the campaign instead of deleting it.`,
    action: "campaign.deleted",
  });
}

/** The campaign a flight, creative, link or invoice belongs to, checked in the caller's workspace and locked. */
export const requireCampaign = (opts: { db: DbOrTx; workspaceId: string; campaignId: string }) =>
  requireOwned(opts, campaigns, opts.campaignId);
