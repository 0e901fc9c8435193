import * as z from "zod";
import { rowId, text } from "../../../lib/text";
import { CAPTION_SOURCE_TYPES, suggestCaptions } from "../../../services/social/captions";
import { workspaceProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";

export const ZSuggestCaptionInput = z.object({
  caption: text("caption", { max: 10_000, trim: false }).optional(),
  sourceType: z.enum(CAPTION_SOURCE_TYPES).optional(),
  sourceId: rowId("Unknown source.").optional(),
});
export const ZSuggestCaptionOutput = z.object({
  source: z.enum(["llm", "keywords"]),
  label: z.string(),
  captions: z.array(z.string()),
  hashtags: z.array(z.string()),
});

/** Caption options and hashtags from the post's transcript or episode (an LLM when configured, else keywords). */
export const suggestCaptionProcedure = workspaceProcedure("content.write")
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZSuggestCaptionInput)
  .output(ZSuggestCaptionOutput)
  .mutation(({ ctx, input }) =>
    suggestCaptions({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      env: ctx.env,
      caption: input.caption,
      sourceType: input.sourceType,
      sourceId: input.sourceId,
    }),
  );
