import * as z from "zod";
import { rowId } from "../../../lib/text";
import { listEpisodeAdSlots } from "../../../services/ads/slots";
import { workspaceProcedure } from "../../init";
import { ZAdSlot, ZBookableFlight } from "./schemas";

export const ZListSlotsInput = z.object({ episodeId: rowId("Unknown episode.") });
/** The slots with their bookings, and what the booking form offers. */
export const ZListSlotsOutput = z.object({ slots: z.array(ZAdSlot), flights: z.array(ZBookableFlight) });

export const listSlotsProcedure = workspaceProcedure("campaigns.read")
  .input(ZListSlotsInput)
  .output(ZListSlotsOutput)
  .query(({ ctx, input }) =>
    listEpisodeAdSlots({ db: ctx.db, workspaceId: ctx.access.workspaceId, episodeId: input.episodeId }),
  );
