import { createFlight } from "../../../services/campaigns/flights";
import { ZCampaignId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZFlight, ZFlightFields } from "./schemas";

export const ZCreateFlightInput = ZFlightFields.extend({ campaignId: ZCampaignId });
export const ZCreateFlightOutput = ZFlight;

export const createFlightProcedure = workspaceProcedure("campaigns.manage")
  .input(ZCreateFlightInput)
  .output(ZCreateFlightOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, campaignId, ...fields } }) =>
    createFlight({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      campaignId,
      fields,
    }),
  );
