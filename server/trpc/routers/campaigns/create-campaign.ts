import { createCampaign } from "../../../services/campaigns/campaigns";
import { workspaceProcedure } from "../../init";
import { ZCampaign, ZCampaignFields } from "./schemas";

export const ZCreateCampaignInput = ZCampaignFields;
export const ZCreateCampaignOutput = ZCampaign;

export const createCampaignProcedure = workspaceProcedure("campaigns.manage")
  .input(ZCreateCampaignInput)
  .output(ZCreateCampaignOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, ...fields } }) =>
    createCampaign({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      fields,
    }),
  );
