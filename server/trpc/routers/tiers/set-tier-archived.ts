import * as z from "zod";
import { setTierArchived } from "../../../services/audience/tiers";
import { workspaceProcedure } from "../../init";
import { ZTier, ZTierId } from "./schemas";

export const ZSetTierArchivedInput = z.object({ tierId: ZTierId, archived: z.boolean() });

export const setTierArchivedProcedure = workspaceProcedure("audience.manage")
  .input(ZSetTierArchivedInput)
  .output(ZTier)
  .mutation(({ ctx, input }) =>
    setTierArchived({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      tierId: input.tierId,
      archived: input.archived,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
