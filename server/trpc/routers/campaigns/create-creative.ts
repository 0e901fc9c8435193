import { createCreative } from "../../../services/campaigns/flights";
import { ZCampaignId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZCreative, ZCreativeFields } from "./schemas";

export const ZCreateCreativeInput = ZCreativeFields.extend({ campaignId: ZCampaignId });
export const ZCreateCreativeOutput = ZCreative;

export const createCreativeProcedure = workspaceProcedure("campaigns.manage")
  .input(ZCreateCreativeInput)
  .output(ZCreateCreativeOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, campaignId, ...fields } }) =>
    createCreative({
      db: ctx.db,
      bucket: ctx.env.MEDIA,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      campaignId,
      fields,
    }),
  );
