import * as z from "zod";
import { exportDownloads, ZDownloadsExport } from "../../../services/analytics/reports";
import { workspaceProcedure } from "../../init";

export const ZExportDownloadsInput = z.object({ days: z.number().int().min(1).max(366).default(90) });
export const ZExportDownloadsOutput = ZDownloadsExport;

/** The daily rollup cells behind the analytics page, for the CSV download. */
export const exportDownloadsProcedure = workspaceProcedure("content.read")
  .input(ZExportDownloadsInput)
  .output(ZExportDownloadsOutput)
  .query(({ ctx, input }) =>
    exportDownloads({ db: ctx.db, workspaceId: ctx.access.workspaceId, days: input.days, now: ctx.clock() }),
  );
