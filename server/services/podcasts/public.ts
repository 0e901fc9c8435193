import { and, asc, desc, eq, isNotNull, or, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import {
  adArrangements,
  episodes,
  mediaObjects,
  memberships,
  shows,
  transcriptSegments,
  transcripts,
  type ContentVisibility,
} from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { decideAccess, gatedOf, type GateDecision } from "../audience/gate";
import { viewerReadForShow } from "../private-feeds/access";
import { toViewer } from "../audience/viewer";
import { can } from "../workspaces/permissions";
import { workspaceOwnerEmail } from "./shows";
import { storedListenLinks } from "./listen-links";
import { podcastUrls } from "./urls";

/**
 * Reads for the public side (RSS feed, episode pages, enclosures): only published episodes whose audio is
 * ready are visible; anything else is NOT_FOUND, exactly like an id that does not exist. Episodes that are not
 * `public` (ADR 028) never reach the public feed, enclosure, transcript or chapters: those reads ask for
 * `audience: "public"`. The private member feed (server/services/private-feeds/) reads every visibility and asks
 * the gate per episode; the public episode page reads every visibility and shows a gated one as its teaser only.
 */

/** "public": what anyone may fetch; "any": every published episode, for callers that ask the gate themselves. */
export type EpisodeAudience = "public" | "any";

const audienceFilter = (audience: EpisodeAudience) =>
  audience === "public" ? eq(episodes.visibility, "public") : undefined;

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

export function showRead(db: DbOrTx, showId: string) {
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

export function foundShow(rows: Awaited<ReturnType<typeof showRead>>) {
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
  visibility: episodes.visibility,
  visibilityTierIds: episodes.visibilityTierIds,
  visibilityEventId: episodes.visibilityEventId,
  /** For "ticket holders of <event>" on the page; a scalar read in the same statement (no extra wave). */
  visibilityEventTitle: sql<
    string | null
  >`(select e.title from events e where e.id = ${episodes.visibilityEventId} and e.workspace_id = ${episodes.workspaceId})`,
  teaser: episodes.teaser,
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
export function publishedEpisodesRead(db: DbOrTx, showId: string, audience: EpisodeAudience) {
  return db
    .select(episodeColumns)
    .from(episodes)
    .innerJoin(shows, episodeOfShow)
    .innerJoin(mediaObjects, audioOfEpisode)
    .leftJoin(transcripts, publicTranscriptOfEpisode)
    .where(and(eq(episodes.showId, showId), eq(episodes.status, "published"), audienceFilter(audience)))
    .orderBy(desc(episodes.publishedAt), desc(episodes.id));
}

type EpisodeRow = Awaited<ReturnType<typeof publishedEpisodesRead>>[number];

export function publishedEpisode(row: EpisodeRow) {
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

/**
 * The show and its published episodes, newest first, each with its transcript if there is one: one round trip.
 * `audience` defaults to "public" (the public feed); the public show page and private feeds pass "any".
 */
export async function getPublicShow(opts: { db: DbOrTx; showId: string; limit?: number; audience?: EpisodeAudience }) {
  const [showRows, items] = await readBatch(opts.db, [
    showRead(opts.db, opts.showId),
    publishedEpisodesRead(opts.db, opts.showId, opts.audience ?? "public").limit(opts.limit ?? FEED_EPISODE_LIMIT),
  ]);
  return { show: foundShow(showRows), episodes: items.map(publishedEpisode) };
}

/**
 * One published episode of the show, with its transcript's segments and chapters when `withTranscript`.
 * `audience` defaults to "public": a gated episode is NOT_FOUND on the public transcript and chapters routes.
 */
export async function getPublishedEpisode(opts: {
  db: DbOrTx;
  showId: string;
  episodeId: string;
  withTranscript: boolean;
  audience?: EpisodeAudience;
  /** The public episode page reads a gated episode (for its teaser) but never its transcript's text. */
  segmentsAudience?: EpisodeAudience;
  /** The arrangement a listener was served; an unknown one (or another episode's) is NOT_FOUND. */
  arrangementId?: string;
}) {
  const audience = audienceFilter(opts.audience ?? "public");
  const segmentsAudience = audienceFilter(opts.segmentsAudience ?? opts.audience ?? "public");
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
    .where(
      and(
        eq(episodes.id, opts.episodeId),
        eq(episodes.showId, opts.showId),
        eq(episodes.status, "published"),
        audience,
      ),
    )
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
    .where(and(eq(episodes.id, opts.episodeId), eq(episodes.showId, opts.showId), transcriptIsPublic, segmentsAudience))
    .orderBy(asc(transcriptSegments.position));
  // A served arrangement of this episode (ADR 024), read in the same batch; its workspace is the episode's.
  const arrangementRead = opts.db
    .select({ ads: adArrangements.ads })
    .from(adArrangements)
    .innerJoin(
      episodes,
      and(eq(episodes.id, adArrangements.episodeId), eq(episodes.workspaceId, adArrangements.workspaceId)),
    )
    .where(and(eq(adArrangements.id, opts.arrangementId ?? ""), eq(adArrangements.episodeId, opts.episodeId)))
    .limit(1);
  const [showRows, episodeRows, segments, arrangements] = opts.arrangementId
    ? await readBatch(opts.db, [showRead(opts.db, opts.showId), episodeRead, segmentsRead, arrangementRead])
    : opts.withTranscript
      ? [...(await readBatch(opts.db, [showRead(opts.db, opts.showId), episodeRead, segmentsRead])), []]
      : [...(await readBatch(opts.db, [showRead(opts.db, opts.showId), episodeRead])), [], []];
  const show = foundShow(showRows);
  const [row] = episodeRows;
  if (!row) throw notFound("Episode");
  if (opts.arrangementId && !arrangements[0]) throw notFound("Arrangement");
  const { transcriptChapters, ...columns } = row;
  const { transcript, ...episode } = publishedEpisode(columns);
  return {
    show,
    episode,
    transcript: transcript
      ? { id: transcript.id, language: transcript.language, chapters: transcriptChapters ?? [], segments }
      : null,
    arrangementAds: arrangements[0]?.ads ?? null,
  };
}

/**
 * The R2 object behind a published episode's enclosure. `audience` defaults to "public": the public enclosure
 * route never serves a gated episode; the private feed's route passes "any" after asking the gate.
 */
export async function getPublishedEpisodeAudio(opts: {
  db: DbOrTx;
  episodeId: string;
  audience?: EpisodeAudience;
  /** The private routes name the show their token is for; an episode of another show is NOT_FOUND. */
  showId?: string;
}) {
  const [media] = await opts.db
    .select({
      r2Key: mediaObjects.r2Key,
      contentType: mediaObjects.contentType,
      size: mediaObjects.size,
      visibility: episodes.visibility,
      visibilityTierIds: episodes.visibilityTierIds,
      visibilityEventId: episodes.visibilityEventId,
    })
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
        audienceFilter(opts.audience ?? "public"),
        opts.showId ? eq(episodes.showId, opts.showId) : undefined,
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

/**
 * The public show page: the show and its published episodes. A gated episode is listed by its title and teaser
 * only (no show notes, no audio), so the page stays the same for everyone and cacheable (ADR 017).
 */
export async function getPublicShowPage(opts: { db: DbOrTx; showId: string; appUrl: string; limit: number }) {
  const { show, episodes: items } = await getPublicShow({
    db: opts.db,
    showId: opts.showId,
    limit: opts.limit,
    audience: "any",
  });
  const urls = podcastUrls(opts.appUrl);
  return {
    show: publicShowView(show, opts.appUrl),
    episodes: items.map((e) => {
      const locked = e.visibility !== "public";
      return {
        id: e.id,
        title: e.title,
        description: locked ? e.teaser : e.description,
        locked,
        episodeNumber: e.episodeNumber,
        seasonNumber: e.seasonNumber,
        publishedAt: e.publishedAt,
        durationSeconds: e.durationSeconds,
        pageUrl: urls.episodePage(show.id, e.id),
        audio: locked ? null : { url: urls.enclosure(e.id, e.audio.contentType), contentType: e.audio.contentType },
      };
    }),
  };
}

export const PAYWALL_REASONS = ["sign_in", "join", "upgrade", "blocked", "granted", "team"] as const;

/** The call to action on a gated episode's public page, by the gate's reason for this viewer. */
function paywall(opts: {
  decision: GateDecision;
  visibility: ContentVisibility;
  event: { id: string; title: string } | null;
  workspaceId: string;
  episodeId: string;
}): {
  reason: (typeof PAYWALL_REASONS)[number];
  message: string;
  action: { label: string; href: string } | null;
} {
  const creator = `/c/${opts.workspaceId}`;
  const reason = opts.decision.reason;
  if (opts.event) return ticketHoldersPaywall({ ...opts, event: opts.event, reason, creator });
  const who =
    opts.visibility === "paid" ? "paying members" : opts.visibility === "tiers" ? "members of some tiers" : "members";
  switch (reason) {
    case "sign_in":
      return {
        reason,
        message: `This episode is for ${who}. Sign in to listen, or join to hear it in your own private feed.`,
        action: { label: "Sign in", href: `${creator}/sign-in` },
      };
    case "join":
      return {
        reason,
        message: `This episode is for ${who}. Join to hear it in your own private feed.`,
        action: { label: "Join", href: `${creator}/join` },
      };
    case "upgrade":
      return {
        reason,
        message: `This episode is for ${who}. Upgrade your membership to hear it.`,
        action: { label: "See memberships", href: `${creator}/join` },
      };
    case "blocked":
      return { reason, message: "This episode is not available to you.", action: null };
    case "granted":
      return {
        reason,
        message: "You're a member: this episode is in your private feed.",
        action: { label: "Get your private feed", href: `${creator}/account` },
      };
    case "team":
      return {
        reason,
        message: `Only ${who} hear this episode; everyone else sees this teaser.`,
        action: { label: "Open in the studio", href: `/w/${opts.workspaceId}/episodes/${opts.episodeId}` },
      };
    default:
      // "public" never reaches here: public episodes have no paywall.
      throw new Error(`No paywall for ${reason}`);
  }
}

/**
 * An event's recording (ADR 034): the call to action is the event page (where tickets are sold), whatever the reason,
 * except for the holders themselves (their private feed) and the team (the studio).
 */
function ticketHoldersPaywall(opts: {
  reason: GateDecision["reason"];
  event: { id: string; title: string };
  creator: string;
  workspaceId: string;
  episodeId: string;
}): ReturnType<typeof paywall> {
  const { reason, event } = opts;
  const eventPage = { label: `See ${event.title}`, href: `${opts.creator}/events/${event.id}` };
  switch (reason) {
    case "granted":
      return {
        reason,
        message: `You have a ticket to ${event.title}: this recording is in your private feed.`,
        action: { label: "Get your private feed", href: `${opts.creator}/account` },
      };
    case "team":
      return {
        reason,
        message: `Only ticket holders of ${event.title} hear this recording; everyone else sees this teaser.`,
        action: { label: "Open in the studio", href: `/w/${opts.workspaceId}/episodes/${opts.episodeId}` },
      };
    case "blocked":
      return { reason, message: "This episode is not available to you.", action: null };
    case "public":
      throw new Error(`No paywall for ${reason}`);
    default:
      return { reason, message: `This recording is for ticket holders of ${event.title}.`, action: eventPage };
  }
}

/**
 * The public episode page: episode, player source, show notes and the transcript's timed segments. A gated
 * episode (ADR 028) shows only its title, teaser and a call to action by the gate's reason for this viewer: no show
 * notes, audio, transcript or chapters, whoever asks (members listen in their private feed). The viewer's reads go
 * out beside the episode's (one wave).
 */
export async function getPublicEpisodePage(opts: {
  db: DbOrTx;
  showId: string;
  episodeId: string;
  appUrl: string;
  viewerUserId: string | null;
  now: Date;
}) {
  const [{ show, episode, transcript }, viewerRows] = await Promise.all([
    getPublishedEpisode({
      db: opts.db,
      showId: opts.showId,
      episodeId: opts.episodeId,
      withTranscript: true,
      audience: "any",
      segmentsAudience: "public",
    }),
    opts.viewerUserId ? viewerReadForShow(opts.db, opts.showId, opts.viewerUserId) : null,
  ]);
  const urls = podcastUrls(opts.appUrl);
  const common = {
    id: episode.id,
    title: episode.title,
    episodeNumber: episode.episodeNumber,
    seasonNumber: episode.seasonNumber,
    publishedAt: episode.publishedAt,
    durationSeconds: episode.durationSeconds,
    pageUrl: urls.episodePage(show.id, episode.id),
  };
  if (episode.visibility !== "public") {
    const decision = decideAccess(
      gatedOf(episode),
      toViewer({ rows: viewerRows ?? [], auth: opts.viewerUserId ? { user: { id: opts.viewerUserId } } : null }),
      opts.now,
    );
    return {
      show: publicShowView(show, opts.appUrl),
      episode: { ...common, description: episode.teaser, locked: true, audio: null },
      transcript: null,
      paywall: paywall({
        decision,
        visibility: episode.visibility,
        event:
          episode.visibilityEventId && episode.visibilityEventTitle
            ? { id: episode.visibilityEventId, title: episode.visibilityEventTitle }
            : null,
        workspaceId: show.workspaceId,
        episodeId: episode.id,
      }),
    };
  }
  return {
    show: publicShowView(show, opts.appUrl),
    episode: {
      ...common,
      description: episode.description,
      locked: false,
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
    paywall: null,
  };
}
