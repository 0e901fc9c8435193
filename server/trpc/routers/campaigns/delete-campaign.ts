import * as z from "zod";
import { deleteCampaign } from "../../../services/campaigns/campaigns";
import { ZCampaignId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZDeleted } from "./schemas";

export const ZDeleteCampaignInput = z.object({ campaignId: ZCampaignId });
export const ZDeleteCampaignOutput = ZDeleted;

export const deleteCampaignProcedure = workspaceProcedure("campaigns.manage")
  .input(ZDeleteCampaignInput)
  .output(ZDeleteCampaignOutput)
  .mutation(({ ctx, input }) =>
    deleteCampaign({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      campaignId: input.campaignId,
    }),
  );
