import * as z from "zod";
import { moveTier } from "../../../services/audience/tiers";
import { workspaceProcedure } from "../../init";
import { ZOk } from "../../schemas";
import { ZTierId } from "./schemas";

export const ZMoveTierInput = z.object({ tierId: ZTierId, direction: z.enum(["up", "down"]) });

export const moveTierProcedure = workspaceProcedure("audience.manage")
  .input(ZMoveTierInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await moveTier({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      tierId: input.tierId,
      direction: input.direction,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    });
    return { ok: true as const };
  });
