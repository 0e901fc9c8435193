import { updateTier } from "../../../services/audience/tiers";
import { workspaceProcedure } from "../../init";
import { ZTier, ZTierFields, ZTierId } from "./schemas";

export const ZUpdateTierInput = ZTierFields.extend({ tierId: ZTierId });

export const updateTierProcedure = workspaceProcedure("audience.manage")
  .input(ZUpdateTierInput)
  .output(ZTier)
  .mutation(({ ctx, input }) => {
    const { workspaceId: _workspaceId, tierId, ...fields } = input;
    return updateTier({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      tierId,
      fields,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    });
  });
