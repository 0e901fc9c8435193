import * as z from "zod";
import { text } from "../../../lib/text";
import { createUpload } from "../../../services/media/uploads";
import { workspaceProcedure } from "../../init";
import { ZUploadSession } from "./schemas";

export const ZCreateUploadInput = z.object({
  filename: text("file name", {
    min: 1,
    max: 255,
    empty: "Give the file a name.",
    tooLong: "Use a file name of at most 255 characters.",
  }),
  contentType: text("file type", { min: 1, max: 255, empty: "Say what type of file this is." }),
  size: z.number().int("Give the size in whole bytes.").nonnegative(),
});
export const ZCreateUploadOutput = ZUploadSession;

export const createUploadProcedure = workspaceProcedure("content.write")
  .input(ZCreateUploadInput)
  .output(ZCreateUploadOutput)
  .mutation(({ ctx, input }) =>
    createUpload({
      db: ctx.db,
      bucket: ctx.env.MEDIA,
      secret: ctx.env.UPLOAD_SIGNING_SECRET,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      filename: input.filename,
      contentType: input.contentType,
      size: input.size,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
