import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, memberships, shows, transcriptSegments, transcripts } from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { can } from "../workspaces/permissions";
import { podcastUrls } from "./urls";

/**
 * Reads for the public side (RSS feed, episode pages, enclosures): only published episodes whose audio is
 * ready are visible; anything else is NOT_FOUND, exactly like an id that does not exist.
 */

/** The most a feed lists; older episodes stay on their pages. Apple and Spotify read far fewer. */
export const FEED_EPISODE_LIMIT = 500;

const transcriptColumns = {
  id: transcripts.id,
  episodeId: transcripts.episodeId,
  mediaId: transcripts.mediaId,
  language: transcripts.language,
  chapterCount: sql<number>`coalesce(jsonb_array_length(${transcripts.chapters}), 0)`.mapWith(Number),
};
type TranscriptRef = {
  id: string;
  episodeId: string | null;
  mediaId: string;
  language: string | null;
  chapterCount: number;
};

/**
 * A published episode's transcript is the transcript of the audio it publishes — never one made from audio the
 * episode used before (a raw cut swapped out before publishing must not leak through the feed).
 */
function transcriptOf(candidates: TranscriptRef[], episode: { audioMediaId: string | null }) {
  return candidates.find((t) => t.mediaId === episode.audioMediaId) ?? null;
}

async function findShow(db: DbOrTx, showId: string) {
  const [row] = await db
    .select({ show: shows, artwork: { contentType: mediaObjects.contentType } })
    .from(shows)
    .leftJoin(
      mediaObjects,
      and(
        eq(mediaObjects.id, shows.artworkMediaId),
        eq(mediaObjects.workspaceId, shows.workspaceId),
        eq(mediaObjects.status, "ready"),
        eq(mediaObjects.kind, "image"),
      ),
    )
    .where(eq(shows.id, showId))
    .limit(1);
  if (!row) throw notFound("Show");
  return { ...row.show, artworkContentType: row.artwork?.contentType ?? null };
}

const publishedWithAudio = (workspaceId: string) =>
  and(
    eq(episodes.workspaceId, workspaceId),
    eq(episodes.status, "published"),
    eq(mediaObjects.status, "ready"),
    eq(mediaObjects.kind, "audio"),
  );

const episodeColumns = {
  id: episodes.id,
  showId: episodes.showId,
  title: episodes.title,
  description: episodes.description,
  episodeNumber: episodes.episodeNumber,
  seasonNumber: episodes.seasonNumber,
  publishedAt: episodes.publishedAt,
  durationSeconds: sql<number | null>`coalesce(${episodes.durationSeconds}, ${mediaObjects.durationSeconds})`,
  audioMediaId: episodes.audioMediaId,
  audio: { contentType: mediaObjects.contentType, size: mediaObjects.size },
};

/** The show and its published episodes, newest first, each with its transcript if there is one: three queries. */
export async function getPublicShow(opts: { db: DbOrTx; showId: string; limit?: number }) {
  const show = await findShow(opts.db, opts.showId);
  const items = await opts.db
    .select(episodeColumns)
    .from(episodes)
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, episodes.audioMediaId), eq(mediaObjects.workspaceId, episodes.workspaceId)),
    )
    .where(and(eq(episodes.showId, show.id), publishedWithAudio(show.workspaceId)))
    .orderBy(desc(episodes.publishedAt), desc(episodes.id))
    .limit(opts.limit ?? FEED_EPISODE_LIMIT);
  const candidates = items.length
    ? await opts.db
        .select(transcriptColumns)
        .from(transcripts)
        .where(
          and(
            eq(transcripts.workspaceId, show.workspaceId),
            inArray(
              transcripts.mediaId,
              items.map((e) => e.audioMediaId).filter((id): id is string => id !== null),
            ),
          ),
        )
    : [];
  return {
    show,
    episodes: items.map((episode) => ({
      ...episode,
      durationSeconds: toNumber(episode.durationSeconds),
      transcript: transcriptOf(candidates, episode),
    })),
  };
}

/** One published episode of the show, with its transcript's segments and chapters when `withTranscript`. */
export async function getPublishedEpisode(opts: {
  db: DbOrTx;
  showId: string;
  episodeId: string;
  withTranscript: boolean;
}) {
  const show = await findShow(opts.db, opts.showId);
  const [episode] = await opts.db
    .select(episodeColumns)
    .from(episodes)
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, episodes.audioMediaId), eq(mediaObjects.workspaceId, episodes.workspaceId)),
    )
    .where(and(eq(episodes.id, opts.episodeId), eq(episodes.showId, show.id), publishedWithAudio(show.workspaceId)))
    .limit(1);
  if (!episode) throw notFound("Episode");
  const candidates = await opts.db
    .select({ ...transcriptColumns, chapters: transcripts.chapters })
    .from(transcripts)
    .where(and(eq(transcripts.workspaceId, show.workspaceId), eq(transcripts.mediaId, episode.audioMediaId ?? "")));
  const transcript = transcriptOf(candidates, episode) as
    (TranscriptRef & { chapters: { startMs: number; title: string }[] | null }) | null;
  const segments =
    transcript && opts.withTranscript
      ? await opts.db
          .select({
            startMs: transcriptSegments.startMs,
            endMs: transcriptSegments.endMs,
            speaker: transcriptSegments.speaker,
            text: transcriptSegments.text,
          })
          .from(transcriptSegments)
          .where(
            and(
              eq(transcriptSegments.transcriptId, transcript.id),
              eq(transcriptSegments.workspaceId, show.workspaceId),
            ),
          )
          .orderBy(asc(transcriptSegments.position))
      : [];
  return {
    show,
    episode: { ...episode, durationSeconds: toNumber(episode.durationSeconds) },
    transcript: transcript
      ? { id: transcript.id, language: transcript.language, chapters: transcript.chapters ?? [], segments }
      : null,
  };
}

/** The R2 object behind a published episode's enclosure. */
export async function getPublishedEpisodeAudio(opts: { db: DbOrTx; episodeId: string }) {
  const [media] = await opts.db
    .select({ r2Key: mediaObjects.r2Key, contentType: mediaObjects.contentType, size: mediaObjects.size })
    .from(episodes)
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, episodes.audioMediaId), eq(mediaObjects.workspaceId, episodes.workspaceId)),
    )
    .where(
      and(
        eq(episodes.id, opts.episodeId),
        eq(episodes.status, "published"),
        eq(mediaObjects.status, "ready"),
        eq(mediaObjects.kind, "audio"),
      ),
    )
    .limit(1);
  if (!media || media.size === null) throw notFound("Episode audio");
  return { ...media, size: media.size };
}

/** A show's artwork is public, like its feed. */
export async function getShowArtwork(opts: { db: DbOrTx; showId: string }) {
  const [media] = await opts.db
    .select({ r2Key: mediaObjects.r2Key, contentType: mediaObjects.contentType, size: mediaObjects.size })
    .from(shows)
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, shows.artworkMediaId), eq(mediaObjects.workspaceId, shows.workspaceId)),
    )
    .where(and(eq(shows.id, opts.showId), eq(mediaObjects.status, "ready"), eq(mediaObjects.kind, "image")))
    .limit(1);
  if (!media || media.size === null) throw notFound("Artwork");
  return { ...media, size: media.size };
}

/** A ready media file of a workspace the user may read; any other file is NOT_FOUND, whoever owns it. */
export async function getMemberMedia(opts: { db: DbOrTx; mediaId: string; userId: string }) {
  const [row] = await opts.db
    .select({
      r2Key: mediaObjects.r2Key,
      contentType: mediaObjects.contentType,
      size: mediaObjects.size,
      role: memberships.role,
    })
    .from(mediaObjects)
    .innerJoin(
      memberships,
      and(eq(memberships.workspaceId, mediaObjects.workspaceId), eq(memberships.userId, opts.userId)),
    )
    .where(and(eq(mediaObjects.id, opts.mediaId), eq(mediaObjects.status, "ready")))
    .limit(1);
  if (!row || row.size === null || !can(row.role, "content.read")) throw notFound("Media file");
  return { r2Key: row.r2Key, contentType: row.contentType, size: row.size };
}

// Raw coalesce() results arrive as whatever the driver makes of an integer expression.
const toNumber = (value: number | string | null) => (value === null ? null : Number(value));

const publicShowView = (show: Awaited<ReturnType<typeof findShow>>, appUrl: string) => {
  const urls = podcastUrls(appUrl);
  return {
    id: show.id,
    title: show.title,
    description: show.description,
    author: show.author,
    language: show.language,
    category: show.category,
    explicit: show.explicit,
    artworkUrl: show.artworkContentType ? urls.artwork(show.id, show.artworkContentType) : null,
    feedUrl: urls.feed(show.id),
    pageUrl: urls.showPage(show.id),
  };
};

/** The public show page: the show and its published episodes. */
export async function getPublicShowPage(opts: { db: DbOrTx; showId: string; appUrl: string; limit: number }) {
  const { show, episodes: items } = await getPublicShow({ db: opts.db, showId: opts.showId, limit: opts.limit });
  const urls = podcastUrls(opts.appUrl);
  return {
    show: publicShowView(show, opts.appUrl),
    episodes: items.map((e) => ({
      id: e.id,
      title: e.title,
      description: e.description,
      episodeNumber: e.episodeNumber,
      seasonNumber: e.seasonNumber,
      publishedAt: e.publishedAt,
      durationSeconds: e.durationSeconds,
      pageUrl: urls.episodePage(show.id, e.id),
    })),
  };
}

/** The public episode page: episode, player source, show notes and the transcript's timed segments. */
export async function getPublicEpisodePage(opts: { db: DbOrTx; showId: string; episodeId: string; appUrl: string }) {
  const { show, episode, transcript } = await getPublishedEpisode({
    db: opts.db,
    showId: opts.showId,
    episodeId: opts.episodeId,
    withTranscript: true,
  });
  const urls = podcastUrls(opts.appUrl);
  return {
    show: publicShowView(show, opts.appUrl),
    episode: {
      id: episode.id,
      title: episode.title,
      description: episode.description,
      episodeNumber: episode.episodeNumber,
      seasonNumber: episode.seasonNumber,
      publishedAt: episode.publishedAt,
      durationSeconds: episode.durationSeconds,
      pageUrl: urls.episodePage(show.id, episode.id),
      audio: {
        url: urls.enclosure(episode.id, episode.audio.contentType),
        contentType: episode.audio.contentType,
        size: episode.audio.size,
      },
    },
    transcript: transcript
      ? {
          vttUrl: urls.transcript(show.id, episode.id, "vtt"),
          language: transcript.language,
          chapters: transcript.chapters,
          segments: transcript.segments,
        }
      : null,
  };
}
