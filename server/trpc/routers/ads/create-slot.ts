import * as z from "zod";
import { rowId } from "../../../lib/text";
import { createAdSlot } from "../../../services/ads/slots";
import { workspaceProcedure } from "../../init";
import { ZAdSlot, ZAdSlotAtMs, ZAdSlotPosition } from "./schemas";

/** A slot before the episode, at a time in it (mid-roll, `atMs` required) or after it. */
export const ZCreateSlotInput = z.object({
  episodeId: rowId("Unknown episode."),
  position: ZAdSlotPosition,
  atMs: ZAdSlotAtMs.nullish(),
});
export const ZCreateSlotOutput = ZAdSlot;

export const createSlotProcedure = workspaceProcedure("campaigns.manage")
  .input(ZCreateSlotInput)
  .output(ZCreateSlotOutput)
  .mutation(({ ctx, input }) =>
    createAdSlot({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      episodeId: input.episodeId,
      position: input.position,
      atMs: input.atMs,
    }),
  );
