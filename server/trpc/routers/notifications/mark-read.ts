import * as z from "zod";
import { rowId } from "../../../lib/text";
import { markNotificationsRead } from "../../../services/notifications/notify";
import { workspaceProcedure } from "../../init";

/** Without `ids`, every unread notification of the caller in this workspace. */
export const ZMarkReadInput = z.object({ ids: z.array(rowId("Unknown notification.")).min(1).max(100).optional() });
export const ZMarkReadOutput = z.object({ marked: z.number().int() });

/** Only the caller's own notifications change; ids of anyone else's are ignored. */
export const markReadProcedure = workspaceProcedure("content.read")
  .input(ZMarkReadInput)
  .output(ZMarkReadOutput)
  .mutation(async ({ ctx, input }) => ({
    marked: await markNotificationsRead({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      userId: ctx.auth.user.id,
      ids: input.ids,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  }));
