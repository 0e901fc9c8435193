import * as z from "zod";
import { listMediaChoices } from "../../../services/podcasts/media-refs";
import { workspaceProcedure } from "../../init";

/** Ready audio (episode audio) or images (show artwork) of the workspace, for the pickers. */
export const ZListMediaChoicesInput = z.object({
  kind: z.enum(["audio", "image"]),
  limit: z.number().int().min(1).max(500).default(200),
});
export const ZListMediaChoicesOutput = z.array(
  z.object({
    id: z.uuid(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().nullable(),
    durationSeconds: z.number().int().nullable(),
    widthPx: z.number().int().nullable(),
    heightPx: z.number().int().nullable(),
    createdAt: z.date(),
  }),
);

export const listMediaChoicesProcedure = workspaceProcedure("content.read")
  .input(ZListMediaChoicesInput)
  .output(ZListMediaChoicesOutput)
  .query(({ ctx, input }) =>
    listMediaChoices({ db: ctx.db, workspaceId: ctx.access.workspaceId, kind: input.kind, limit: input.limit }),
  );
