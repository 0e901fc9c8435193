import * as z from "zod";
import { EPISODE_STATUSES, EPISODE_TYPES, MEDIA_STATUSES, CONTENT_VISIBILITIES } from "../../../../db/schema";
import { LISTEN_PLATFORMS } from "../../../services/podcasts/listen-links";

/** Output shapes shared by the podcasts procedures. */
export const ZListenLinkOutput = z.object({ platform: z.enum(LISTEN_PLATFORMS), label: z.string(), url: z.string() });

export const ZShow = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  language: z.string(),
  author: z.string(),
  explicit: z.boolean(),
  ownerEmail: z.string().nullable(),
  locked: z.boolean(),
  listenLinks: z.array(ZListenLinkOutput),
  artworkMediaId: z.uuid().nullable(),
  artworkUrl: z.string().nullable(),
  feedUrl: z.string(),
  pageUrl: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ZEpisode = z.object({
  id: z.uuid(),
  showId: z.uuid(),
  title: z.string(),
  description: z.string(),
  episodeNumber: z.number().int().nullable(),
  seasonNumber: z.number().int().nullable(),
  status: z.enum(EPISODE_STATUSES),
  publishAt: z.date().nullable(),
  publishedAt: z.date().nullable(),
  audioMediaId: z.uuid().nullable(),
  durationSeconds: z.number().int().nullable(),
  episodeType: z.enum(EPISODE_TYPES),
  visibility: z.enum(CONTENT_VISIBILITIES),
  visibilityTierIds: z.array(z.uuid()),
  visibilityEventId: z.uuid().nullable(),
  teaser: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ZEpisodeAudio = z.object({
  id: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().nullable(),
  status: z.enum(MEDIA_STATUSES),
  durationSeconds: z.number().int().nullable(),
});

export const ZDeleted = z.object({ id: z.uuid() });
