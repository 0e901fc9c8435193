import { updateFlight } from "../../../services/campaigns/flights";
import { ZFlightId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZFlight, ZFlightFields } from "./schemas";

export const ZUpdateFlightInput = ZFlightFields.extend({ flightId: ZFlightId });
export const ZUpdateFlightOutput = ZFlight;

export const updateFlightProcedure = workspaceProcedure("campaigns.manage")
  .input(ZUpdateFlightInput)
  .output(ZUpdateFlightOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, flightId, ...fields } }) =>
    updateFlight({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      flightId,
      fields,
    }),
  );
