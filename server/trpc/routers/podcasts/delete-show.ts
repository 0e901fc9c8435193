import * as z from "zod";
import { rowId } from "../../../lib/text";
import { deleteShow } from "../../../services/podcasts/shows";
import { workspaceProcedure } from "../../init";
import { ZDeleted } from "./schemas";
import { purgePublicShow } from "../../../lib/edge-cache";

export const ZDeleteShowInput = z.object({ showId: rowId("Unknown show.") });
export const ZDeleteShowOutput = ZDeleted;

export const deleteShowProcedure = workspaceProcedure("content.write")
  .input(ZDeleteShowInput)
  .output(ZDeleteShowOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await deleteShow({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      showId: input.showId,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    // The public feed and pages change with this write; drop this colo's cached copies (ADR 017).
    await purgePublicShow({ appUrl: ctx.config.appUrl, showId: input.showId });
    return result;
  });
