import * as z from "zod";
import { rowId } from "../../../lib/text";
import { listMedia } from "../../../services/media/library";
import { workspaceProcedure } from "../../init";
import { ZMediaItem } from "./schemas";

const ZCursor = z.object({
  createdAt: z.coerce.date(),
  id: rowId("This page of the list does not exist. Start again from the first page."),
});

export const ZListMediaInput = z.object({
  limit: z.number().int().min(1).max(100).default(25),
  cursor: ZCursor.nullish(),
});
export const ZListMediaOutput = z.object({ items: z.array(ZMediaItem), nextCursor: ZCursor.nullable() });

export const listMediaProcedure = workspaceProcedure("content.read")
  .input(ZListMediaInput)
  .output(ZListMediaOutput)
  .query(({ ctx, input }) =>
    listMedia({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      limit: input.limit,
      cursor: input.cursor ?? undefined,
    }),
  );
