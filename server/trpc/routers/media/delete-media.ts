import * as z from "zod";
import { deleteMedia } from "../../../services/media/library";
import { workspaceProcedure } from "../../init";
import { ZMediaId } from "./schemas";

export const ZDeleteMediaInput = ZMediaId;
export const ZDeleteMediaOutput = z.object({ id: z.uuid() });

export const deleteMediaProcedure = workspaceProcedure("content.write")
  .input(ZDeleteMediaInput)
  .output(ZDeleteMediaOutput)
  .mutation(({ ctx, input }) =>
    deleteMedia({
      db: ctx.db,
      bucket: ctx.env.MEDIA,
      workspaceId: ctx.access.workspaceId,
      mediaId: input.mediaId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
