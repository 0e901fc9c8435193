import * as z from "zod";
import { cursor, text } from "../../../lib/text";
import { searchWorkspace } from "../../../services/search/search";
import { workspaceProcedure } from "../../init";

export const ZSearchWorkspaceInput = z.object({
  q: text("search", {
    min: 1,
    max: 200,
    empty: "Enter something to search for.",
    tooLong: "Use at most 200 characters.",
  }),
  limit: z.number().int().min(1).max(50).default(20),
  cursor: cursor(20).nullish(),
});
export const ZSearchWorkspaceOutput = z.object({
  items: z.array(
    z.object({
      kind: z.enum(["segment", "episode"]),
      id: z.uuid(),
      rank: z.number(),
      groupKey: z.string(),
      groupHits: z.number().int(),
      snippet: z.array(z.object({ text: z.string(), highlight: z.boolean() })),
      transcriptId: z.uuid().nullable(),
      mediaId: z.uuid().nullable(),
      mediaFilename: z.string().nullable(),
      startMs: z.number().int().nullable(),
      endMs: z.number().int().nullable(),
      speaker: z.string().nullable(),
      episodeId: z.uuid().nullable(),
      episodeTitle: z.string().nullable(),
      showId: z.uuid().nullable(),
      showTitle: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const searchWorkspaceProcedure = workspaceProcedure("content.read")
  .input(ZSearchWorkspaceInput)
  .output(ZSearchWorkspaceOutput)
  .query(({ ctx, input }) =>
    searchWorkspace({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      query: input.q,
      limit: input.limit,
      cursor: input.cursor,
    }),
  );
