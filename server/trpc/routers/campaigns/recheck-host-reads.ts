import * as z from "zod";
import { recheckFlightHostReads } from "../../../services/ads/host-read-evidence";
import { ZFlightId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";

/** Searches the flight's episodes' transcripts for its host reads again (ADR 024), e.g. after a transcript edit. */
export const ZRecheckHostReadsInput = z.object({ flightId: ZFlightId });
export const ZRecheckHostReadsOutput = z.object({
  flightId: z.uuid(),
  /** Episodes the flight covers that have audio. */
  episodes: z.number(),
  /** Of those, the ones with a transcript that had something to look for. */
  transcripts: z.number(),
  /** Promo codes, URLs and talking points looked for across those episodes, and how many were not heard. */
  checked: z.number(),
  missing: z.number(),
  checkedAt: z.date(),
});

export const recheckHostReadsProcedure = workspaceProcedure("campaigns.manage")
  .input(ZRecheckHostReadsInput)
  .output(ZRecheckHostReadsOutput)
  .mutation(({ ctx, input }) =>
    recheckFlightHostReads({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      flightId: input.flightId,
    }),
  );
