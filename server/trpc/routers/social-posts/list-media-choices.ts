import * as z from "zod";
import { MEDIA_KINDS } from "../../../../db/schema";
import { listPostMediaChoices } from "../../../services/social/posts";
import { workspaceProcedure } from "../../init";
import { ZPageCursor } from "./schemas";

export const ZListPostMediaChoicesInput = z.object({
  limit: z.number().int().min(1).max(100).default(30),
  cursor: ZPageCursor,
});
export const ZListPostMediaChoicesOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      filename: z.string(),
      kind: z.enum(MEDIA_KINDS),
      contentType: z.string(),
      size: z.number().nullable(),
      durationSeconds: z.number().int().nullable(),
      createdAt: z.date(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** Ready images and videos of the workspace, for the composer's media picker. */
export const listMediaChoicesProcedure = workspaceProcedure("content.read")
  .input(ZListPostMediaChoicesInput)
  .output(ZListPostMediaChoicesOutput)
  .query(({ ctx, input }) =>
    listPostMediaChoices({ db: ctx.db, workspaceId: ctx.access.workspaceId, limit: input.limit, cursor: input.cursor }),
  );
