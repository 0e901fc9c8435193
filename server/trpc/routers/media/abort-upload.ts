import * as z from "zod";
import { abortUpload } from "../../../services/media/uploads";
import { workspaceProcedure } from "../../init";
import { ZMediaId } from "./schemas";

export const ZAbortUploadInput = ZMediaId;
export const ZAbortUploadOutput = z.object({ id: z.uuid() });

export const abortUploadProcedure = workspaceProcedure("content.write")
  .input(ZAbortUploadInput)
  .output(ZAbortUploadOutput)
  .mutation(({ ctx, input }) =>
    abortUpload({
      db: ctx.db,
      bucket: ctx.env.MEDIA,
      workspaceId: ctx.access.workspaceId,
      mediaId: input.mediaId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
