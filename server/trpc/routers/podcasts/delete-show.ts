import { z } from "zod";
import { deleteShow } from "../../../services/podcasts/shows";
import { workspaceProcedure } from "../../init";
import { ZDeleted } from "./schemas";

export const ZDeleteShowInput = z.object({ showId: z.uuid("Unknown show.") });
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
