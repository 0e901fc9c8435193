import { updateCreative } from "../../../services/campaigns/flights";
import { ZCreativeId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZCreative, ZCreativeFields } from "./schemas";

export const ZUpdateCreativeInput = ZCreativeFields.extend({ creativeId: ZCreativeId });
export const ZUpdateCreativeOutput = ZCreative;

export const updateCreativeProcedure = workspaceProcedure("campaigns.manage")
  .input(ZUpdateCreativeInput)
  .output(ZUpdateCreativeOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, creativeId, ...fields } }) =>
    updateCreative({
      db: ctx.db,
      bucket: ctx.env.MEDIA,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      creativeId,
      fields,
    }),
  );
