import * as z from "zod";
import { deleteFlight } from "../../../services/campaigns/flights";
import { ZFlightId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZDeleted } from "./schemas";

export const ZDeleteFlightInput = z.object({ flightId: ZFlightId });
export const ZDeleteFlightOutput = ZDeleted;

export const deleteFlightProcedure = workspaceProcedure("campaigns.manage")
  .input(ZDeleteFlightInput)
  .output(ZDeleteFlightOutput)
  .mutation(({ ctx, input }) =>
    deleteFlight({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      flightId: input.flightId,
    }),
  );
