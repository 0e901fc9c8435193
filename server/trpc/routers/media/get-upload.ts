import { getUpload } from "../../../services/media/uploads";
import { workspaceProcedure } from "../../init";
import { ZMediaId, ZUploadSession } from "./schemas";

export const ZGetUploadInput = ZMediaId;
export const ZGetUploadOutput = ZUploadSession;

export const getUploadProcedure = workspaceProcedure("content.write")
  .input(ZGetUploadInput)
  .output(ZGetUploadOutput)
  .query(({ ctx, input }) =>
    getUpload({
      db: ctx.db,
      secret: ctx.env.UPLOAD_SIGNING_SECRET,
      workspaceId: ctx.access.workspaceId,
      mediaId: input.mediaId,
      now: ctx.clock(),
    }),
  );
