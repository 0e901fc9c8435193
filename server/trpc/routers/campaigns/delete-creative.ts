import * as z from "zod";
import { deleteCreative } from "../../../services/campaigns/flights";
import { ZCreativeId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZDeleted } from "./schemas";

export const ZDeleteCreativeInput = z.object({ creativeId: ZCreativeId });
export const ZDeleteCreativeOutput = ZDeleted;

export const deleteCreativeProcedure = workspaceProcedure("campaigns.manage")
  .input(ZDeleteCreativeInput)
  .output(ZDeleteCreativeOutput)
  .mutation(({ ctx, input }) =>
    deleteCreative({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      creativeId: input.creativeId,
    }),
  );
