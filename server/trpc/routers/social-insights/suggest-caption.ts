import { z } from "zod";
import { CAPTION_SOURCE_TYPES, suggestCaptions } from "../../../services/social/captions";
import { workspaceProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";

export const ZSuggestCaptionInput = z.object({
  caption: z.string().max(10_000).optional(),
  sourceType: z.enum(CAPTION_SOURCE_TYPES).optional(),
  sourceId: z.uuid("Unknown source.").optional(),
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
