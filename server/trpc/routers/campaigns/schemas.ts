import * as z from "zod";
import {
  APPROVAL_DECISIONS,
  CAMPAIGN_PRICING,
  CAMPAIGN_SHARE_PURPOSES,
  CAMPAIGN_STATUSES,
  CREATIVE_KINDS,
  FLIGHT_POSITIONS,
  FLIGHT_STATUSES,
  INVOICE_STATUSES,
} from "../../../../db/schema";
import {
  ZAdvertiserName,
  ZCampaignName,
  ZCents,
  ZContacts,
  ZCreativeName,
  ZCreativeUrl,
  ZCurrency,
  ZFlightName,
  ZFrequency,
  ZImpressionsGoal,
  ZIoContactEmail,
  ZIoContactName,
  ZNotes,
  ZPosition,
  ZPricing,
  ZPriority,
  ZPromoCode,
  ZScript,
  ZTalkingPoints,
  ZAdvertiserId,
  ZCampaignStatus,
  ZFlightStatus,
  ZCreativeKind,
  day,
} from "../../../services/campaigns/validation";
import { rowId } from "../../../lib/text";

/** Input and output shapes shared by the campaigns procedures. */

export const ZAdvertiserFields = z.object({
  name: ZAdvertiserName,
  contacts: ZContacts.default([]),
  notes: ZNotes.default(""),
});

export const ZCampaignFields = z.object({
  advertiserId: ZAdvertiserId,
  name: ZCampaignName,
  budgetCents: ZCents("budget"),
  currency: ZCurrency,
  pricing: ZPricing,
  rateCents: ZCents("rate"),
  startsOn: day("start date"),
  endsOn: day("end date"),
  ioContactName: ZIoContactName.default(""),
  ioContactEmail: ZIoContactEmail.default(""),
  status: ZCampaignStatus.default("draft"),
  notes: ZNotes.default(""),
});

export const ZFlightFields = z.object({
  name: ZFlightName,
  startsOn: day("start date"),
  endsOn: day("end date"),
  position: ZPosition,
  impressionsGoal: ZImpressionsGoal,
  priority: ZPriority.default(5),
  frequency: ZFrequency.default(null),
  status: ZFlightStatus.default("draft"),
  showIds: z.array(rowId("Choose a show from the list.")).max(100, "Target at most 100 shows.").default([]),
  episodeIds: z.array(rowId("Choose an episode from the list.")).max(500, "Target at most 500 episodes.").default([]),
});

export const ZCreativeFields = z.object({
  name: ZCreativeName,
  flightId: rowId("Choose a flight of this campaign.").nullable().default(null),
  kind: ZCreativeKind,
  script: ZScript.default(""),
  talkingPoints: ZTalkingPoints.default([]),
  promoCode: ZPromoCode.default(""),
  url: ZCreativeUrl.default(""),
  mediaId: rowId("Choose an audio file from the list.").nullable().default(null),
});

const ZContactOutput = z.object({ name: z.string(), email: z.string(), role: z.string() });

export const ZAdvertiser = z.object({
  id: z.uuid(),
  name: z.string(),
  contacts: z.array(ZContactOutput),
  notes: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ZCampaign = z.object({
  id: z.uuid(),
  advertiserId: z.uuid(),
  name: z.string(),
  budgetCents: z.number(),
  currency: z.string(),
  pricing: z.enum(CAMPAIGN_PRICING),
  rateCents: z.number(),
  startsOn: z.string(),
  endsOn: z.string(),
  ioContactName: z.string(),
  ioContactEmail: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  notes: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ZFlight = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  name: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  position: z.enum(FLIGHT_POSITIONS),
  impressionsGoal: z.number(),
  priority: z.number(),
  frequency: z.object({ cap: z.number(), days: z.number() }).nullable(),
  status: z.enum(FLIGHT_STATUSES),
});

/** A flight's pacing, daily (server/services/ads/pacing.ts). */
export const ZPacing = z.object({
  goal: z.number(),
  delivered: z.number(),
  expected: z.number(),
  status: z.enum(["not_started", "on_track", "behind", "delivered", "under_delivered"]),
  remainingDays: z.number(),
  dailyRate: z.number(),
  projectedShortfall: z.number(),
  makeGood: z.object({ impressions: z.number(), extraDays: z.number() }).nullable(),
});

export const ZCreative = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  flightId: z.uuid().nullable(),
  name: z.string(),
  kind: z.enum(CREATIVE_KINDS),
  script: z.string(),
  talkingPoints: z.array(z.string()),
  promoCode: z.string(),
  url: z.string(),
  mediaId: z.uuid().nullable(),
  durationSeconds: z.number().nullable(),
  audioEncoding: z
    .object({
      sampleRate: z.number(),
      channels: z.union([z.literal(1), z.literal(2)]),
      bitrateMode: z.enum(["constant", "variable"]),
      kbps: z.number(),
    })
    .nullable(),
  revision: z.number(),
});

export const ZDecision = z.object({
  decision: z.enum(APPROVAL_DECISIONS),
  comment: z.string(),
  decidedByName: z.string(),
  decidedAt: z.date(),
});

export const ZInvoiceSummary = z.object({
  id: z.uuid(),
  number: z.number(),
  status: z.enum(INVOICE_STATUSES),
  totalCents: z.number(),
  currency: z.string(),
  issuedOn: z.string(),
  dueOn: z.string(),
  /** Set when the invoice went out through Stripe Invoicing on the connected account (ADR 025). */
  stripeInvoiceId: z.string().nullable(),
});

export const ZInvoice = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  number: z.number(),
  label: z.string(),
  status: z.enum(INVOICE_STATUSES),
  currency: z.string(),
  lineItems: z.array(
    z.object({ description: z.string(), quantity: z.number(), unitAmountCents: z.number(), amountCents: z.number() }),
  ),
  totalCents: z.number(),
  issuedOn: z.string(),
  dueOn: z.string(),
  billTo: z.object({ name: z.string(), contact: z.string(), email: z.string() }),
  notes: z.string(),
  stripeInvoiceId: z.string().nullable(),
  sentAt: z.date().nullable(),
  paidAt: z.date().nullable(),
  voidedAt: z.date().nullable(),
});

export const ZSharePurpose = z.enum(CAMPAIGN_SHARE_PURPOSES, { error: "Choose an approval or report link." });
export const ZDeleted = z.object({ id: z.uuid() });

const ZTotal = z.object({ id: z.string(), label: z.string(), impressions: z.number() });

export const ZReport = z.object({
  workspaceName: z.string(),
  advertiserName: z.string(),
  campaign: z.object({
    id: z.uuid(),
    name: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    pricing: z.enum(CAMPAIGN_PRICING),
    rateCents: z.number(),
    budgetCents: z.number(),
    currency: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
  }),
  source: z.object({
    kind: z.enum(["ad_deliveries"]),
    unitLabel: z.string(),
    unitSingular: z.string(),
    explanation: z.string(),
  }),
  methodology: z.object({
    version: z.string(),
    listsVersion: z.string().nullable(),
    source: z.enum(["ad_deliveries"]),
  }),
  totals: z.object({ delivered: z.number(), goal: z.number(), percentOfGoal: z.number().nullable() }),
  flights: z.array(ZFlight.extend({ delivered: z.number(), goal: z.number(), percentOfGoal: z.number().nullable() })),
  byDay: z.array(ZTotal),
  byShow: z.array(ZTotal),
  byEpisode: z.array(ZTotal),
  byCountry: z.array(ZTotal),
  byApp: z.array(ZTotal),
  cells: z.array(
    z.object({
      flightId: z.uuid(),
      day: z.string(),
      showId: z.uuid(),
      showTitle: z.string(),
      episodeId: z.uuid(),
      episodeTitle: z.string(),
      country: z.string(),
      app: z.string(),
      impressions: z.number(),
    }),
  ),
  hostReads: z.array(
    ZCreative.extend({
      evidence: z.array(
        z.object({
          flightId: z.uuid(),
          episodeId: z.uuid(),
          episodeTitle: z.string(),
          kind: z.enum(["promo_code", "url", "talking_point"]),
          target: z.string(),
          found: z.boolean(),
          atSeconds: z.number().nullable(),
          passage: z.string().nullable(),
        }),
      ),
      proof: z.enum(["unchecked", "missing", "proven"]),
    }),
  ),
  missingMentions: z.number(),
});
