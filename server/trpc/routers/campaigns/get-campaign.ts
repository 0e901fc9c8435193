import * as z from "zod";
import { APPROVAL_DECISIONS, CAMPAIGN_SHARE_PURPOSES } from "../../../../db/schema";
import { getCampaign } from "../../../services/campaigns/campaigns";
import { ZCampaignId } from "../../../services/campaigns/validation";
import { stripeInvoicingStatus } from "../../../services/payments/connect-invoicing";
import { workspaceProcedure } from "../../init";
import { ZCampaign, ZCreative, ZFlight, ZInvoiceSummary, ZPacing } from "./schemas";

const ZDecisionWithEmail = z
  .object({
    decision: z.enum(APPROVAL_DECISIONS),
    comment: z.string(),
    decidedByName: z.string(),
    decidedByEmail: z.string(),
    decidedAt: z.date(),
  })
  .nullable();

export const ZGetCampaignInput = z.object({ campaignId: ZCampaignId });
export const ZGetCampaignOutput = ZCampaign.extend({
  advertiser: z.object({
    id: z.uuid(),
    name: z.string(),
    contacts: z.array(z.object({ name: z.string(), email: z.string(), role: z.string() })),
  }),
  flights: z.array(
    ZFlight.extend({
      pacing: ZPacing,
      hostReadsCheckedAt: z.date().nullable(),
      targets: z.array(
        z.object({
          showId: z.uuid(),
          showTitle: z.string(),
          episodeId: z.uuid().nullable(),
          episodeTitle: z.string().nullable(),
        }),
      ),
    }),
  ),
  creatives: z.array(ZCreative.extend({ mediaFilename: z.string().nullable(), approval: ZDecisionWithEmail })),
  ioApproval: ZDecisionWithEmail,
  shareLinks: z.array(
    z.object({
      id: z.uuid(),
      purpose: z.enum(CAMPAIGN_SHARE_PURPOSES),
      expiresAt: z.date(),
      revokedAt: z.date().nullable(),
      createdAt: z.date(),
    }),
  ),
  invoices: z.array(ZInvoiceSummary),
  missingMentions: z.array(
    z.object({
      creativeId: z.uuid(),
      flightId: z.uuid(),
      episodeId: z.uuid(),
      episodeTitle: z.string(),
      kind: z.enum(["promo_code", "url", "talking_point"]),
      target: z.string(),
    }),
  ),
  /** Whether a draft invoice can be sent through Stripe Invoicing (ADR 025), or what the creator must do first. */
  stripeInvoicing: z.discriminatedUnion("available", [
    z.object({ available: z.literal(true), reason: z.null() }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ]),
});

export const getCampaignProcedure = workspaceProcedure("campaigns.read")
  .input(ZGetCampaignInput)
  .output(ZGetCampaignOutput)
  .query(async ({ ctx, input }) => {
    // Side by side, so the connected account's row costs no extra round trip.
    const [campaign, stripeInvoicing] = await Promise.all([
      getCampaign({ db: ctx.db, workspaceId: ctx.access.workspaceId, campaignId: input.campaignId, now: ctx.clock() }),
      stripeInvoicingStatus({ db: ctx.db, env: ctx.env, workspaceId: ctx.access.workspaceId }),
    ]);
    return { ...campaign, stripeInvoicing };
  });
