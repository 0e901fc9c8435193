import * as z from "zod";
import { rowId } from "../../../lib/text";
import { getPublicShowPage } from "../../../services/podcasts/public";
import { publicProcedure } from "../../init";
import { ZListenLinkOutput } from "./schemas";

export const ZPublicShow = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  author: z.string(),
  language: z.string(),
  category: z.string(),
  explicit: z.boolean(),
  listenLinks: z.array(ZListenLinkOutput),
  artworkUrl: z.string().nullable(),
  feedUrl: z.string(),
  pageUrl: z.string(),
});

/** Anyone may read a show's public page: its published episodes only. */
export const ZGetPublicShowInput = z.object({
  showId: rowId("Unknown show."),
  limit: z.number().int().min(1).max(200).default(100),
});
export const ZGetPublicShowOutput = z.object({
  show: ZPublicShow,
  episodes: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      description: z.string(),
      episodeNumber: z.number().int().nullable(),
      seasonNumber: z.number().int().nullable(),
      publishedAt: z.date().nullable(),
      durationSeconds: z.number().int().nullable(),
      pageUrl: z.string(),
      /** Gated (ADR 028): `description` is the teaser and there is no audio. */
      locked: z.boolean(),
      audio: z.object({ url: z.string(), contentType: z.string() }).nullable(),
    }),
  ),
});

export const getPublicShowProcedure = publicProcedure
  .input(ZGetPublicShowInput)
  .output(ZGetPublicShowOutput)
  .query(({ ctx, input }) =>
    getPublicShowPage({ db: ctx.db, showId: input.showId, appUrl: ctx.config.appUrl, limit: input.limit }),
  );
