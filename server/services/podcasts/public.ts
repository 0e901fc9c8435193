import { and, asc, desc, eq, isNotNull, or, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, memberships, shows, transcriptSegments, transcripts } from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { can } from "../workspaces/permissions";
import { workspaceOwnerEmail } from "./shows";
import { storedListenLinks } from "./listen-links";
import { podcastUrls } from "./urls";

/**
 * Reads for the public side (RSS feed, episode pages, enclosures): only published episodes whose audio is
 * ready are visible; anything else is NOT_FOUND, exactly like an id that does not exist.
 */

/** The most a feed lists; older episodes stay on their pages. Apple and Spotify read far fewer. */
export const FEED_EPISODE_LIMIT = 500;

/**
 * Every public read is one round trip (ADR 016): the show, its episodes and their transcripts are read in one
 * `readBatch` keyed by the ids in the URL, each statement joining the show itself so nothing waits for another.
 */

/** An episode is published under its show only in the show's own workspace. */
const episodeOfShow = and(eq(shows.id, episodes.showId), eq(shows.workspaceId, episodes.workspaceId));

/**
 * A published episode's transcript is the transcript of the audio it publishes — never one made from audio the
 * episode used before (a raw cut swapped out before publishing must not leak through the feed).
 */
const transcriptOfEpisode = and(
  eq(transcripts.mediaId, episodes.audioMediaId),
  eq(transcripts.workspaceId, episodes.workspaceId),
);

/**
 * Machine text stays private until the creator approves it or the show auto-publishes (ADR 020). Every public
 * surface (feed tags, transcript and chapters files, episode page) reads transcripts through these, with the show
 * joined.
 */
const transcriptIsPublic = or(isNotNull(transcripts.transcriptPublishedAt), eq(shows.autoPublishTranscripts, true));
const chaptersArePublic = or(isNotNull(transcripts.chaptersPublishedAt), eq(shows.autoPublishTranscripts, true));
const publicTranscriptOfEpisode = and(transcriptOfEpisode, transcriptIsPublic);

const audioOfEpisode = and(
  eq(mediaObjects.id, episodes.audioMediaId),
  eq(mediaObjects.workspaceId, episodes.workspaceId),
  eq(mediaObjects.status, "ready"),
  eq(mediaObjects.kind, "audio"),
);

function showRead(db: DbOrTx, showId: string) {
  return db
    .select({
      show: shows,
      artwork: { contentType: mediaObjects.contentType },
      ownerEmail: sql<string | null>`coalesce(${shows.ownerEmail}, ${workspaceOwnerEmail})`,
    })
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
}

function foundShow(rows: Awaited<ReturnType<typeof showRead>>) {
  const [row] = rows;
  if (!row) throw notFound("Show");
  return { ...row.show, ownerEmail: row.ownerEmail, artworkContentType: row.artwork?.contentType ?? null };
}

const episodeColumns = {
  id: episodes.id,
  showId: episodes.showId,
  title: episodes.title,
  description: episodes.description,
  episodeNumber: episodes.episodeNumber,
  seasonNumber: episodes.seasonNumber,
  publishedAt: episodes.publishedAt,
  durationSeconds: sql<number | null>`coalesce(${episodes.durationSeconds}, ${mediaObjects.durationSeconds})`,
  episodeType: episodes.episodeType,
  audioMediaId: episodes.audioMediaId,
  audio: { contentType: mediaObjects.contentType, size: mediaObjects.size },
  // Flat rather than nested: a left-joined object with a computed column is never all-null, so never null.
  transcriptId: transcripts.id,
  transcriptEpisodeId: transcripts.episodeId,
  transcriptMediaId: transcripts.mediaId,
  transcriptLanguage: transcripts.language,
  transcriptChapterCount:
    sql<number>`case when ${chaptersArePublic} then coalesce(jsonb_array_length(${transcripts.chapters}), 0) else 0 end`.mapWith(
      Number,
    ),
};

/** Published episodes of the show whose audio is ready, each with the transcript of that audio if there is one. */
function publishedEpisodesRead(db: DbOrTx, showId: string) {
  return db
    .select(episodeColumns)
    .from(episodes)
    .innerJoin(shows, episodeOfShow)
    .innerJoin(mediaObjects, audioOfEpisode)
    .leftJoin(transcripts, publicTranscriptOfEpisode)
    .where(and(eq(episodes.showId, showId), eq(episodes.status, "published")))
    .orderBy(desc(episodes.publishedAt), desc(episodes.id));
}

type EpisodeRow = Awaited<ReturnType<typeof publishedEpisodesRead>>[number];

function publishedEpisode(row: EpisodeRow) {
  const {
    transcriptId,
    transcriptEpisodeId,
    transcriptMediaId,
    transcriptLanguage,
    transcriptChapterCount,
    ...episode
  } = row;
  return {
    ...episode,
    durationSeconds: toNumber(episode.durationSeconds),
    transcript:
      transcriptId !== null && transcriptMediaId !== null
        ? {
            id: transcriptId,
            episodeId: transcriptEpisodeId,
            mediaId: transcriptMediaId,
            language: transcriptLanguage,
            chapterCount: transcriptChapterCount,
          }
        : null,
  };
}

/** The show and its published episodes, newest first, each with its transcript if there is one: one round trip. */
export async function getPublicShow(opts: { db: DbOrTx; showId: string; limit?: number }) {
  const [showRows, items] = await readBatch(opts.db, [
    showRead(opts.db, opts.showId),
    publishedEpisodesRead(opts.db, opts.showId).limit(opts.limit ?? FEED_EPISODE_LIMIT),
  ]);
  return { show: foundShow(showRows), episodes: items.map(publishedEpisode) };
}

/** One published episode of the show, with its transcript's segments and chapters when `withTranscript`. */
export async function getPublishedEpisode(opts: {
  db: DbOrTx;
  showId: string;
  episodeId: string;
  withTranscript: boolean;
}) {
  const episodeRead = opts.db
    .select({
      ...episodeColumns,
      transcriptChapters: sql<
        { startMs: number; title: string }[] | null
      >`case when ${chaptersArePublic} then ${transcripts.chapters} end`,
    })
    .from(episodes)
    .innerJoin(shows, episodeOfShow)
    .innerJoin(mediaObjects, audioOfEpisode)
    .leftJoin(transcripts, publicTranscriptOfEpisode)
    .where(and(eq(episodes.id, opts.episodeId), eq(episodes.showId, opts.showId), eq(episodes.status, "published")))
    .limit(1);
  // The segments of the transcript of the episode's published audio; used only once the episode above is found.
  const segmentsRead = opts.db
    .select({
      startMs: transcriptSegments.startMs,
      endMs: transcriptSegments.endMs,
      speaker: transcriptSegments.speaker,
      text: transcriptSegments.text,
    })
    .from(transcriptSegments)
    .innerJoin(
      transcripts,
      and(
        eq(transcripts.id, transcriptSegments.transcriptId),
        eq(transcripts.workspaceId, transcriptSegments.workspaceId),
      ),
    )
    .innerJoin(episodes, transcriptOfEpisode)
    .innerJoin(shows, episodeOfShow)
    .where(and(eq(episodes.id, opts.episodeId), eq(episodes.showId, opts.showId), transcriptIsPublic))
    .orderBy(asc(transcriptSegments.position));
  const [showRows, episodeRows, segments] = opts.withTranscript
    ? await readBatch(opts.db, [showRead(opts.db, opts.showId), episodeRead, segmentsRead])
    : [...(await readBatch(opts.db, [showRead(opts.db, opts.showId), episodeRead])), []];
  const show = foundShow(showRows);
  const [row] = episodeRows;
  if (!row) throw notFound("Episode");
  const { transcriptChapters, ...columns } = row;
  const { transcript, ...episode } = publishedEpisode(columns);
  return {
    show,
    episode,
    transcript: transcript
      ? { id: transcript.id, language: transcript.language, chapters: transcriptChapters ?? [], segments }
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

const publicShowView = (show: ReturnType<typeof foundShow>, appUrl: string) => {
  const urls = podcastUrls(appUrl);
  return {
    id: show.id,
    title: show.title,
    description: show.description,
    author: show.author,
    language: show.language,
    category: show.category,
    explicit: show.explicit,
    listenLinks: storedListenLinks(show.listenLinks),
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
      audio: { url: urls.enclosure(e.id, e.audio.contentType), contentType: e.audio.contentType },
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
