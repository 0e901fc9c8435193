import { updateAdvertiser } from "../../../services/campaigns/advertisers";
import { ZAdvertiserId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZAdvertiser, ZAdvertiserFields } from "./schemas";

export const ZUpdateAdvertiserInput = ZAdvertiserFields.extend({ advertiserId: ZAdvertiserId });
export const ZUpdateAdvertiserOutput = ZAdvertiser;

export const updateAdvertiserProcedure = workspaceProcedure("campaigns.manage")
  .input(ZUpdateAdvertiserInput)
  .output(ZUpdateAdvertiserOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, advertiserId, ...fields } }) =>
    updateAdvertiser({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      advertiserId,
      fields,
    }),
  );
