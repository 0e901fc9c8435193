import { updateCampaign } from "../../../services/campaigns/campaigns";
import { ZCampaignId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZCampaign, ZCampaignFields } from "./schemas";

export const ZUpdateCampaignInput = ZCampaignFields.extend({ campaignId: ZCampaignId });
export const ZUpdateCampaignOutput = ZCampaign;

export const updateCampaignProcedure = workspaceProcedure("campaigns.manage")
  .input(ZUpdateCampaignInput)
  .output(ZUpdateCampaignOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, campaignId, ...fields } }) =>
    updateCampaign({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      campaignId,
      fields,
    }),
  );
