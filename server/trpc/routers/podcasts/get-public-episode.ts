import * as z from "zod";
import { rowId } from "../../../lib/text";
import { getPublicEpisodePage, PAYWALL_REASONS } from "../../../services/podcasts/public";
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
    /** Gated (ADR 028): `description` is the teaser and there is no audio. */
    locked: z.boolean(),
    audio: z.object({ url: z.string(), contentType: z.string(), size: z.number().nullable() }).nullable(),
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
  /** A gated episode's call to action, by the gate's reason for this viewer; null for public episodes. */
  paywall: z
    .object({
      reason: z.enum(PAYWALL_REASONS),
      message: z.string(),
      action: z.object({ label: z.string(), href: z.string() }).nullable(),
    })
    .nullable(),
});

export const getPublicEpisodeProcedure = publicProcedure
  .input(ZGetPublicEpisodeInput)
  .output(ZGetPublicEpisodeOutput)
  .query(({ ctx, input }) =>
    getPublicEpisodePage({
      db: ctx.db,
      showId: input.showId,
      episodeId: input.episodeId,
      appUrl: ctx.config.appUrl,
      viewerUserId: ctx.auth?.user.id ?? null,
      now: ctx.clock(),
    }),
  );
