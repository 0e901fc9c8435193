import { createAdvertiser } from "../../../services/campaigns/advertisers";
import { workspaceProcedure } from "../../init";
import { ZAdvertiser, ZAdvertiserFields } from "./schemas";

export const ZCreateAdvertiserInput = ZAdvertiserFields;
export const ZCreateAdvertiserOutput = ZAdvertiser;

export const createAdvertiserProcedure = workspaceProcedure("campaigns.manage")
  .input(ZCreateAdvertiserInput)
  .output(ZCreateAdvertiserOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, ...fields } }) =>
    createAdvertiser({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      fields,
    }),
  );
