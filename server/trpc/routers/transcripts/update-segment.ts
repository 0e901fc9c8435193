import * as z from "zod";
import { rowId, text } from "../../../lib/text";
import { updateSegmentText } from "../../../services/transcription/transcripts";
import { workspaceProcedure } from "../../init";

export const ZUpdateSegmentInput = z.object({
  segmentId: rowId("Unknown transcript line."),
  text: text("line", {
    min: 1,
    max: 5000,
    empty: "A line cannot be empty.",
    tooLong: "A line can be at most 5,000 characters.",
  }),
});
export const ZUpdateSegmentOutput = z.object({
  id: z.uuid(),
  transcriptId: z.uuid(),
  position: z.number().int(),
  startMs: z.number().int(),
  endMs: z.number().int(),
  speaker: z.string().nullable(),
  text: z.string(),
});

export const updateSegmentProcedure = workspaceProcedure("content.write")
  .input(ZUpdateSegmentInput)
  .output(ZUpdateSegmentOutput)
  .mutation(({ ctx, input }) =>
    updateSegmentText({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      segmentId: input.segmentId,
      text: input.text,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
