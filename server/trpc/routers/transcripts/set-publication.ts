import * as z from "zod";
import { purgePublicShow } from "../../../lib/edge-cache";
import { rowId } from "../../../lib/text";
import { PUBLICATION_PARTS, setTranscriptPublication } from "../../../services/transcription/publication";
import { workspaceProcedure } from "../../init";

/** Approves (or withdraws) a machine transcript's text or its chapters for the public episode page and feed. */
export const ZSetPublicationInput = z.object({
  transcriptId: rowId("Unknown transcript."),
  part: z.enum(PUBLICATION_PARTS, "Choose the transcript or its chapters."),
  published: z.boolean(),
});
export const ZSetPublicationOutput = z.object({
  transcriptPublishedAt: z.date().nullable(),
  chaptersPublishedAt: z.date().nullable(),
});

export const setPublicationProcedure = workspaceProcedure("content.write")
  .input(ZSetPublicationInput)
  .output(ZSetPublicationOutput)
  .mutation(async ({ ctx, input }) => {
    const { pages, ...result } = await setTranscriptPublication({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      transcriptId: input.transcriptId,
      part: input.part,
      published: input.published,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    });
    // The episode page, feed and transcript/chapters files change with this write; drop cached copies (ADR 017).
    await Promise.all(
      pages.map((page) =>
        purgePublicShow({ appUrl: ctx.config.appUrl, showId: page.showId, episodeIds: [page.episodeId] }),
      ),
    );
    return result;
  });
