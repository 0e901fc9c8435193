import { z } from "zod";
import { rowId } from "../../../lib/text";
import { deleteShow } from "../../../services/podcasts/shows";
import { workspaceProcedure } from "../../init";
import { ZDeleted } from "./schemas";

export const ZDeleteShowInput = z.object({ showId: rowId("Unknown show.") });
export const ZDeleteShowOutput = ZDeleted;

export const deleteShowProcedure = workspaceProcedure("content.write")
  .input(ZDeleteShowInput)
  .output(ZDeleteShowOutput)
  .mutation(({ ctx, input }) =>
    deleteShow({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      showId: input.showId,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
