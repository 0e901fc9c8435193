import * as z from "zod";
import { text } from "../../../lib/text";
import { importMembers, previewImport } from "../../../services/audience/members";
import { workspaceProcedure } from "../../init";

/** The file's text (the browser reads it); 1 MiB is the HTTP body cap anyway. */
export const ZImportMembersInput = z.object({
  csv: text("CSV file", { max: 900_000, min: 1, trim: false, tooLong: "Import at most about 10,000 rows at once." }),
  /** false: check the file and show what would happen; true: import. */
  apply: z.boolean(),
});
const ZProblem = z.object({ line: z.number().int(), message: z.string() });
export const ZImportMembersOutput = z.object({
  rows: z.number().int(),
  imported: z.number().int(),
  skipped: z.number().int(),
  problems: z.array(ZProblem),
  preview: z.array(z.object({ email: z.string(), name: z.string(), tierId: z.string().nullable() })),
});

export const importMembersProcedure = workspaceProcedure("audience.manage")
  .input(ZImportMembersInput)
  .output(ZImportMembersOutput)
  .mutation(async ({ ctx, input }) => {
    const workspaceId = ctx.access.workspaceId;
    if (!input.apply) {
      const { rows, problems } = await previewImport({ db: ctx.db, workspaceId, csv: input.csv });
      return { rows: rows.length, imported: 0, skipped: 0, problems, preview: rows.slice(0, 20) };
    }
    const result = await importMembers({
      db: ctx.db,
      workspaceId,
      csv: input.csv,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    });
    return { rows: result.imported + result.skipped, ...result, preview: [] };
  });
