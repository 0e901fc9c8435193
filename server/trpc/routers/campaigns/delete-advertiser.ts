import * as z from "zod";
import { deleteAdvertiser } from "../../../services/campaigns/advertisers";
import { ZAdvertiserId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZDeleted } from "./schemas";

export const ZDeleteAdvertiserInput = z.object({ advertiserId: ZAdvertiserId });
export const ZDeleteAdvertiserOutput = ZDeleted;

export const deleteAdvertiserProcedure = workspaceProcedure("campaigns.manage")
  .input(ZDeleteAdvertiserInput)
  .output(ZDeleteAdvertiserOutput)
  .mutation(({ ctx, input }) =>
    deleteAdvertiser({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      advertiserId: input.advertiserId,
    }),
  );
