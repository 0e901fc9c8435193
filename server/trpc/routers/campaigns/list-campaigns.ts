import * as z from "zod";
import { CAMPAIGN_PRICING, CAMPAIGN_STATUSES } from "../../../../db/schema";
import { listCampaigns } from "../../../services/campaigns/campaigns";
import { ZCampaignStatus } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";

export const ZListCampaignsInput = z.object({ status: ZCampaignStatus.nullable().default(null) });
export const ZListCampaignsOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      status: z.enum(CAMPAIGN_STATUSES),
      pricing: z.enum(CAMPAIGN_PRICING),
      budgetCents: z.number(),
      currency: z.string(),
      startsOn: z.string(),
      endsOn: z.string(),
      advertiserId: z.uuid(),
      advertiserName: z.string(),
      flightCount: z.number(),
      impressionsGoal: z.number(),
    }),
  ),
  truncated: z.boolean(),
});

export const listCampaignsProcedure = workspaceProcedure("campaigns.read")
  .input(ZListCampaignsInput)
  .output(ZListCampaignsOutput)
  .query(({ ctx, input }) => listCampaigns({ db: ctx.db, workspaceId: ctx.access.workspaceId, status: input.status }));
