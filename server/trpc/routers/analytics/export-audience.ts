import * as z from "zod";
import { exportAudience, ZAudienceExport } from "../../../services/analytics/reports";
import { workspaceProcedure } from "../../init";

export const ZExportAudienceInput = z.object({ days: z.number().int().min(1).max(366).default(90) });
export const ZExportAudienceOutput = ZAudienceExport;

/** Estimated listeners and feed subscribers per day, show and episode (ADR 035), for the audience CSV. */
export const exportAudienceProcedure = workspaceProcedure("content.read")
  .input(ZExportAudienceInput)
  .output(ZExportAudienceOutput)
  .query(({ ctx, input }) =>
    exportAudience({ db: ctx.db, workspaceId: ctx.access.workspaceId, days: input.days, now: ctx.clock() }),
  );
