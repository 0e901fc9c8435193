import * as z from "zod";
import { rowId } from "../../../lib/text";
import { resolveReport } from "../../../services/comments/moderation";
import { workspaceProcedure } from "../../init";

export const ZResolveReportInput = z.object({
  reportId: rowId("Unknown report."),
  outcome: z.enum(["resolved", "dismissed"]),
});
export const ZResolveReportOutput = z.object({ id: z.uuid(), status: z.enum(["resolved", "dismissed"]) });

/** Close a report: dismissed (nothing wrong) or resolved (acted on). */
export const resolveReportProcedure = workspaceProcedure("content.write")
  .input(ZResolveReportInput)
  .output(ZResolveReportOutput)
  .mutation(({ ctx, input }) =>
    resolveReport({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      reportId: input.reportId,
      outcome: input.outcome,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
