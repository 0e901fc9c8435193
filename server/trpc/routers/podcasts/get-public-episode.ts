import * as z from "zod";
import { rowId } from "../../../lib/text";
import { getPublicEpisodePage } from "../../../services/podcasts/public";
import { publicProcedure } from "../../init";
import { ZPublicShow } from "./get-public-show";

/** Anyone may read a published episode; anything else is NOT_FOUND. */
export const ZGetPublicEpisodeInput = z.object({
  showId: rowId("Unknown show."),
  episodeId: rowId("Unknown episode."),
});
export const ZGetPublicEpisodeOutput = z.object({
  show: ZPublicShow,
  episode: z.object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    episodeNumber: z.number().int().nullable(),
    seasonNumber: z.number().int().nullable(),
    publishedAt: z.date().nullable(),
    durationSeconds: z.number().int().nullable(),
    pageUrl: z.string(),
    audio: z.object({ url: z.string(), contentType: z.string(), size: z.number().nullable() }),
  }),
  transcript: z
    .object({
      vttUrl: z.string(),
      language: z.string().nullable(),
      chapters: z.array(z.object({ startMs: z.number(), title: z.string() })),
      segments: z.array(
        z.object({
          startMs: z.number().int(),
          endMs: z.number().int(),
          speaker: z.string().nullable(),
          text: z.string(),
        }),
      ),
    })
    .nullable(),
});

export const getPublicEpisodeProcedure = publicProcedure
  .input(ZGetPublicEpisodeInput)
  .output(ZGetPublicEpisodeOutput)
  .query(({ ctx, input }) =>
    getPublicEpisodePage({ db: ctx.db, showId: input.showId, episodeId: input.episodeId, appUrl: ctx.config.appUrl }),
  );
