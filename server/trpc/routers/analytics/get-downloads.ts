import * as z from "zod";
import { rowId } from "../../../lib/text";
import { ANALYTICS_INTERVALS, getDownloadsReport, ZDownloadsReport } from "../../../services/analytics/reports";
import { workspaceProcedure } from "../../init";

export const ZGetDownloadsInput = z.object({
  showId: rowId("Unknown show.").optional(),
  interval: z.enum(ANALYTICS_INTERVALS).default("day"),
});
export const ZGetDownloadsOutput = ZDownloadsReport;

/** Downloads over time, per episode, first-7/30-day curves, apps, platforms and countries: rollups only. */
export const getDownloadsProcedure = workspaceProcedure("content.read")
  .input(ZGetDownloadsInput)
  .output(ZGetDownloadsOutput)
  .query(({ ctx, input }) =>
    getDownloadsReport({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      showId: input.showId ?? null,
      interval: input.interval,
      now: ctx.clock(),
    }),
  );
