import { TIER_KINDS } from "../../../../db/schema";
import * as z from "zod";
import { createTier } from "../../../services/audience/tiers";
import { workspaceProcedure } from "../../init";
import { ZTier, ZTierFields } from "./schemas";

export const ZCreateTierInput = ZTierFields.extend({ kind: z.enum(TIER_KINDS, { error: "Choose free or paid." }) });

export const createTierProcedure = workspaceProcedure("audience.manage")
  .input(ZCreateTierInput)
  .output(ZTier)
  .mutation(({ ctx, input }) => {
    const { workspaceId: _workspaceId, ...fields } = input;
    return createTier({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      fields,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    });
  });
