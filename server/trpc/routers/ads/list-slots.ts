import * as z from "zod";
import { rowId } from "../../../lib/text";
import { listEpisodeAdSlots } from "../../../services/ads/slots";
import { workspaceProcedure } from "../../init";
import { ZAdSlot } from "./schemas";

export const ZListSlotsInput = z.object({ episodeId: rowId("Unknown episode.") });
export const ZListSlotsOutput = z.array(ZAdSlot);

export const listSlotsProcedure = workspaceProcedure("content.read")
  .input(ZListSlotsInput)
  .output(ZListSlotsOutput)
  .query(({ ctx, input }) =>
    listEpisodeAdSlots({ db: ctx.db, workspaceId: ctx.access.workspaceId, episodeId: input.episodeId }),
  );
