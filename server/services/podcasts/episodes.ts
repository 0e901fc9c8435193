import { and, desc, eq, inArray, isNull, lte, ne, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { isUniqueViolation } from "../../../db/errors";
import {
  episodes,
  mediaObjects,
  shows,
  tiers,
  type ContentVisibility,
  transcriptionJobs,
  transcripts,
  type EpisodeStatus,
  type EpisodeType,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { requireVisibilityEvent } from "../audience/visibility";
import { recordAudit, type AuditAction } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { decodeCursor, pageOf } from "./cursor";
import { jobColumns } from "../transcription/transcripts";
import { requireWorkspaceMedia } from "./media-refs";
import { ALLOWED_TYPES, normaliseContentType } from "../media/rules";
import { podcastUrls } from "./urls";

export interface EpisodeFields {
  title: string;
  description: string;
  episodeNumber: number | null;
  seasonNumber: number | null;
  audioMediaId: string | null;
  /** Null: the audio's own duration (read from the file at upload) is stored when audio is chosen. */
  durationSeconds: number | null;
  episodeType: EpisodeType;
  /** Who may listen (ADR 028); the tier ids must be this workspace's and are kept only for `tiers`. */
  visibility: ContentVisibility;
  visibilityTierIds: string[];
  /** visibility = ticket_holders: the event whose ticket holders may listen (ADR 034). */
  visibilityEventId: string | null;
  teaser: string;
}

export interface EpisodeChanges extends Partial<EpisodeFields> {
  status?: EpisodeStatus;
  /** Required (and in the future) when the status becomes or stays scheduled with a new time. */
  publishAt?: Date | null;
}

interface Actor {
  db: DbOrTx;
  workspaceId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}

/**
 * Drafts sort by creation, scheduled episodes by their time, published ones by when they went out. Truncated to
 * milliseconds so the cursor (a JavaScript Date) compares exactly with the rows it came from.
 */
const sortAt = sql<Date>`date_trunc('milliseconds', coalesce(${episodes.publishedAt}, ${episodes.publishAt}, ${episodes.createdAt}))`;

/** Newest first, keyset-paginated. */
export async function listEpisodes(opts: {
  db: DbOrTx;
  workspaceId: string;
  showId: string;
  limit: number;
  cursor?: string | null;
}) {
  const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
  // The show check and the page go together (one round trip, ADR 016): the page is scoped to the same show and
  // workspace, so when the check finds nothing the page is empty too and is thrown away.
  const [[show], rows] = await readBatch(opts.db, [
    showInWorkspace(opts, opts.showId),
    opts.db
      .select({
        id: episodes.id,
        title: episodes.title,
        episodeNumber: episodes.episodeNumber,
        seasonNumber: episodes.seasonNumber,
        status: episodes.status,
        publishAt: episodes.publishAt,
        publishedAt: episodes.publishedAt,
        createdAt: episodes.createdAt,
        hasAudio: sql<boolean>`${episodes.audioMediaId} is not null`,
        sortAt: sortAt.mapWith((value: string | Date) => new Date(value)),
      })
      .from(episodes)
      .where(
        and(
          eq(episodes.workspaceId, opts.workspaceId),
          eq(episodes.showId, opts.showId),
          cursor
            ? sql`(${sortAt}, ${episodes.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(desc(sortAt), desc(episodes.id))
      .limit(opts.limit + 1),
  ]);
  if (!show) throw notFound("Show");
  const page = pageOf(rows, opts.limit, (row) => row.sortAt);
  return { items: page.items.map(({ sortAt: _sortAt, ...item }) => item), nextCursor: page.nextCursor };
}

export async function getEpisode(opts: { db: DbOrTx; workspaceId: string; episodeId: string; appUrl: string }) {
  // The audio's transcription job and transcript come in the same statement (each is unique per media file), so
  // the episode page needs no second round trip keyed by the audio's id (ADR 016).
  // The workspace's tiers (for the visibility picker) go in the same batch: still one round trip.
  const [[row], tierRows] = await readBatch(opts.db, [
    opts.db
      .select({
        episode: episodes,
        showTitle: shows.title,
        audio: mediaObjects,
        job: jobColumns,
        transcriptId: transcripts.id,
      })
      .from(episodes)
      .innerJoin(shows, and(eq(shows.id, episodes.showId), eq(shows.workspaceId, episodes.workspaceId)))
      .leftJoin(
        mediaObjects,
        and(eq(mediaObjects.id, episodes.audioMediaId), eq(mediaObjects.workspaceId, episodes.workspaceId)),
      )
      .leftJoin(
        transcriptionJobs,
        and(eq(transcriptionJobs.mediaId, mediaObjects.id), eq(transcriptionJobs.workspaceId, episodes.workspaceId)),
      )
      .leftJoin(
        transcripts,
        and(eq(transcripts.mediaId, mediaObjects.id), eq(transcripts.workspaceId, episodes.workspaceId)),
      )
      .where(and(eq(episodes.id, opts.episodeId), eq(episodes.workspaceId, opts.workspaceId)))
      .limit(1),
    opts.db
      .select({ id: tiers.id, name: tiers.name, kind: tiers.kind })
      .from(tiers)
      .where(and(eq(tiers.workspaceId, opts.workspaceId), isNull(tiers.archivedAt)))
      .orderBy(tiers.position, tiers.name),
  ]);
  if (!row) throw notFound("Episode");
  const { episode, audio } = row;
  return {
    ...presentEpisode(episode),
    showTitle: row.showTitle,
    audio: audio
      ? {
          id: audio.id,
          filename: audio.filename,
          contentType: audio.contentType,
          size: audio.size,
          status: audio.status,
          durationSeconds: audio.durationSeconds,
        }
      : null,
    /** The audio's transcription state, as `getJobForMedia` gives it; null without audio. */
    transcription: audio ? { job: row.job, transcriptId: row.transcriptId } : null,
    publicUrl: episode.status === "published" ? podcastUrls(opts.appUrl).episodePage(episode.showId, episode.id) : null,
    /** The workspace's tiers a `tiers` visibility may name. */
    tiers: tierRows,
  };
}

/** A new episode is always a draft; publishing and scheduling go through `updateEpisode`. */
export async function createEpisode(input: Actor & { showId: string; fields: EpisodeFields }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    await requireShow(opts, opts.showId);
    const audio = opts.fields.audioMediaId ? await requireAudio(opts, opts.fields.audioMediaId, false) : null;
    opts.fields.visibilityTierIds = await requireVisibilityTiers(opts, opts.fields);
    opts.fields.visibilityEventId = await requireVisibilityEvent(opts, opts.fields);
    await requireFreeNumber(opts, {
      showId: opts.showId,
      episodeId: null,
      seasonNumber: opts.fields.seasonNumber,
      episodeNumber: opts.fields.episodeNumber,
    });
    const [episode] = await uniqueNumber(opts.fields, () =>
      opts.db
        .insert(episodes)
        .values({
          ...opts.fields,
          durationSeconds: opts.fields.durationSeconds ?? audio?.durationSeconds ?? null,
          workspaceId: opts.workspaceId,
          showId: opts.showId,
          status: "draft",
          createdAt: opts.now,
          updatedAt: opts.now,
        })
        .returning(),
    );
    await audit(opts, "episode.created", episode);
    return presentEpisode(episode);
  });
}

/**
 * Changes the fields given and moves the status: scheduled needs a future `publishAt`; published stamps
 * `publishedAt` with now; both need ready audio of this workspace. The write only applies if the status is
 * still the one read, so an edit racing the publish cron fails with CONFLICT instead of undoing the publish.
 */
export async function updateEpisode(input: Actor & { episodeId: string; changes: EpisodeChanges }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const [current] = await opts.db
      .select()
      .from(episodes)
      .where(and(eq(episodes.id, opts.episodeId), eq(episodes.workspaceId, opts.workspaceId)))
      .limit(1);
    if (!current) throw notFound("Episode");
    const { status: requestedStatus, publishAt: requestedPublishAt, ...fields } = opts.changes;
    if (fields.visibility !== undefined || fields.visibilityTierIds !== undefined) {
      fields.visibilityTierIds = await requireVisibilityTiers(opts, {
        visibility: fields.visibility ?? current.visibility,
        visibilityTierIds: fields.visibilityTierIds ?? current.visibilityTierIds,
      });
    }
    if (fields.visibility !== undefined || fields.visibilityEventId !== undefined) {
      fields.visibilityEventId = await requireVisibilityEvent(opts, {
        visibility: fields.visibility ?? current.visibility,
        visibilityEventId: fields.visibilityEventId ?? current.visibilityEventId,
      });
    }
    const next = { ...current, ...fields };
    const status = requestedStatus ?? current.status;

    const audio = fields.audioMediaId ? await requireAudio(opts, fields.audioMediaId, false) : null;
    // New audio brings its own duration unless the creator typed a different one: a duration left as it was (the
    // old audio's, prefilled by the form) or left empty follows the new file.
    if (audio && audio.id !== current.audioMediaId) {
      const typed = fields.durationSeconds;
      if (typed === undefined || typed === null || typed === current.durationSeconds)
        fields.durationSeconds = audio.durationSeconds ?? typed ?? null;
    }
    if (fields.episodeNumber !== undefined || fields.seasonNumber !== undefined) {
      await requireFreeNumber(opts, {
        showId: current.showId,
        episodeId: current.id,
        seasonNumber: next.seasonNumber,
        episodeNumber: next.episodeNumber,
      });
    }

    let publishAt = current.publishAt;
    let publishedAt = current.publishedAt;
    if (status === "draft") {
      publishAt = null;
      publishedAt = null;
    } else if (status === "scheduled") {
      const moved = current.status !== "scheduled" || requestedPublishAt !== undefined;
      publishAt = requestedPublishAt === undefined ? current.publishAt : requestedPublishAt;
      if (moved && (!publishAt || publishAt.getTime() <= opts.now.getTime())) {
        const message = publishAt ? "Pick a time in the future." : "Pick when the episode should go live.";
        throw new AppError("BAD_REQUEST", "The episode cannot be scheduled.", {
          fieldErrors: { publishAt: [message] },
        });
      }
      publishedAt = null;
      await requirePublishableAudio(opts, next.audioMediaId, "scheduled");
    } else {
      if (current.status !== "published") {
        publishAt = null;
        publishedAt = opts.now;
      }
      await requirePublishableAudio(opts, next.audioMediaId, "published");
    }

    const [updated] = await uniqueNumber(next, () =>
      opts.db
        .update(episodes)
        .set({ ...fields, status, publishAt, publishedAt, updatedAt: opts.now })
        .where(
          and(
            eq(episodes.id, current.id),
            eq(episodes.workspaceId, opts.workspaceId),
            eq(episodes.status, current.status),
          ),
        )
        .returning(),
    );
    if (!updated)
      throw new AppError(
        "CONFLICT",
        "This episode changed while you were editing it (it may have just been published). Reload and try again.",
      );
    if (fields.audioMediaId !== undefined && fields.audioMediaId !== current.audioMediaId) {
      await relinkTranscript({
        db: opts.db,
        workspaceId: opts.workspaceId,
        episodeId: current.id,
        audioMediaId: fields.audioMediaId,
      });
    }
    await audit(opts, auditActionFor(current.status, status), updated);
    return presentEpisode(updated);
  });
}

/**
 * The tier ids an episode keeps: only for `tiers` visibility, at least one, each a tier of this workspace (another
 * workspace's tier is NOT_FOUND, like one that does not exist; ADR 013). Other visibilities keep none.
 */
async function requireVisibilityTiers(
  opts: { db: DbOrTx; workspaceId: string },
  fields: { visibility: ContentVisibility; visibilityTierIds: readonly string[] },
) {
  if (fields.visibility !== "tiers") return [];
  const ids = [...new Set(fields.visibilityTierIds)];
  if (ids.length === 0) {
    const message = "Choose at least one tier, or another audience.";
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { visibilityTierIds: [message] } });
  }
  const found = await opts.db
    .select({ id: tiers.id })
    .from(tiers)
    .where(and(eq(tiers.workspaceId, opts.workspaceId), inArray(tiers.id, ids)))
    .for("share");
  if (found.length !== ids.length) throw notFound("Tier");
  return ids;
}

/** The episode's transcript follows its audio: the old audio's transcript is unlinked, the new one's linked. */
async function relinkTranscript(opts: {
  db: DbOrTx;
  workspaceId: string;
  episodeId: string;
  audioMediaId: string | null;
}) {
  await opts.db
    .update(transcripts)
    .set({ episodeId: null })
    .where(and(eq(transcripts.workspaceId, opts.workspaceId), eq(transcripts.episodeId, opts.episodeId)));
  if (opts.audioMediaId) {
    await opts.db
      .update(transcripts)
      .set({ episodeId: opts.episodeId })
      .where(and(eq(transcripts.workspaceId, opts.workspaceId), eq(transcripts.mediaId, opts.audioMediaId)));
  }
}

export async function deleteEpisode(input: Actor & { episodeId: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const [deleted] = await opts.db
      .delete(episodes)
      .where(and(eq(episodes.id, opts.episodeId), eq(episodes.workspaceId, opts.workspaceId)))
      .returning();
    if (!deleted) throw notFound("Episode");
    await audit(opts, "episode.deleted", deleted);
    return { id: deleted.id, showId: deleted.showId };
  });
}

/**
 * Publishes every scheduled episode whose time has come, in ONE statement: each row is flipped at most once
 * even when two cron runs overlap (the second sees status = 'published' and skips it), so a rerun is harmless.
 */
export async function publishDueEpisodes(opts: { db: DbOrTx; now: Date }) {
  return opts.db.transaction(async (tx) => {
    const published = await tx
      .update(episodes)
      .set({ status: "published", publishedAt: sql`${episodes.publishAt}`, updatedAt: opts.now })
      .where(and(eq(episodes.status, "scheduled"), lte(episodes.publishAt, opts.now)))
      .returning();
    await Promise.all(
      published.map((episode) =>
        recordAudit({
          db: tx,
          action: "episode.published",
          actorUserId: null,
          workspaceId: episode.workspaceId,
          detail: { episodeId: episode.id, title: episode.title, scheduled: true },
          meta: { ip: null, userAgent: null },
          now: opts.now,
        }),
      ),
    );
    return published.map((episode) => episode.id);
  });
}

function auditActionFor(from: EpisodeStatus, to: EpisodeStatus): AuditAction {
  if (to === "published" && from !== "published") return "episode.published";
  if (to === "scheduled" && from !== "scheduled") return "episode.scheduled";
  if (from === "published" && to !== "published") return "episode.unpublished";
  return "episode.updated";
}

const audit = (opts: Actor, action: AuditAction, episode: typeof episodes.$inferSelect) =>
  recordAudit({
    db: opts.db,
    action,
    actorUserId: opts.actorUserId,
    workspaceId: opts.workspaceId,
    detail: { episodeId: episode.id, title: episode.title },
    meta: opts.meta,
    now: opts.now,
  });

const showInWorkspace = (opts: { db: DbOrTx; workspaceId: string }, showId: string) =>
  opts.db
    .select({ id: shows.id })
    .from(shows)
    .where(and(eq(shows.id, showId), eq(shows.workspaceId, opts.workspaceId)))
    .limit(1);

async function requireShow(opts: { db: DbOrTx; workspaceId: string }, showId: string) {
  const [show] = await showInWorkspace(opts, showId);
  if (!show) throw notFound("Show");
}

/** What podcast apps play everywhere; Apple and Spotify refuse other enclosures (ADR 021). */
export const EPISODE_AUDIO_TYPES = ["audio/mpeg", "audio/mp4", "audio/x-m4a"];

async function requireAudio(opts: { db: DbOrTx; workspaceId: string }, mediaId: string, ready: boolean) {
  const media = await requireWorkspaceMedia({
    db: opts.db,
    workspaceId: opts.workspaceId,
    mediaId,
    kind: "audio",
    field: "audioMediaId",
    ready,
  });
  if (!EPISODE_AUDIO_TYPES.includes(media.contentType)) {
    const message = `“${media.filename}” is ${audioLabel(media.contentType)}, which podcast apps do not play. Export or convert it to MP3 (128 kbit/s is plenty for speech) or M4A/AAC, upload that and choose it here; the original stays in the media library for transcription.`;
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { audioMediaId: [message] } });
  }
  return media;
}

const audioLabel = (contentType: string) => {
  const type = normaliseContentType(contentType);
  return type ? ALLOWED_TYPES[type].label : contentType;
};

async function requirePublishableAudio(
  opts: { db: DbOrTx; workspaceId: string },
  audioMediaId: string | null,
  goal: "scheduled" | "published",
) {
  if (!audioMediaId) {
    const message = `Choose the episode's audio before it can be ${goal}.`;
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { audioMediaId: [message] } });
  }
  await requireAudio(opts, audioMediaId, true);
}

/** Season and episode number identify an episode within its show (the database enforces it too). */
async function requireFreeNumber(
  opts: { db: DbOrTx; workspaceId: string },
  at: { showId: string; episodeId: string | null; seasonNumber: number | null; episodeNumber: number | null },
) {
  if (at.episodeNumber === null) return;
  const [taken] = await opts.db
    .select({ id: episodes.id })
    .from(episodes)
    .where(
      and(
        eq(episodes.workspaceId, opts.workspaceId),
        eq(episodes.showId, at.showId),
        eq(episodes.episodeNumber, at.episodeNumber),
        at.seasonNumber === null ? isNull(episodes.seasonNumber) : eq(episodes.seasonNumber, at.seasonNumber),
        at.episodeId ? ne(episodes.id, at.episodeId) : undefined,
      ),
    )
    .limit(1);
  if (taken) throw numberTaken(at.seasonNumber, at.episodeNumber);
}

const numberTaken = (season: number | null, episode: number | null) => {
  const message = `This show already has an episode ${episode}${season === null ? "" : ` in season ${season}`}.`;
  return new AppError("CONFLICT", message, { fieldErrors: { episodeNumber: [message] } });
};

/** The unique index catches the race the pre-check cannot; it is reported the same way. */
async function uniqueNumber<T>(
  numbers: { seasonNumber: number | null; episodeNumber: number | null },
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw numberTaken(numbers.seasonNumber, numbers.episodeNumber);
    throw error;
  }
}

function presentEpisode(episode: typeof episodes.$inferSelect) {
  return {
    id: episode.id,
    showId: episode.showId,
    title: episode.title,
    description: episode.description,
    episodeNumber: episode.episodeNumber,
    seasonNumber: episode.seasonNumber,
    status: episode.status,
    publishAt: episode.publishAt,
    publishedAt: episode.publishedAt,
    audioMediaId: episode.audioMediaId,
    durationSeconds: episode.durationSeconds,
    episodeType: episode.episodeType,
    visibility: episode.visibility,
    visibilityTierIds: episode.visibilityTierIds,
    visibilityEventId: episode.visibilityEventId,
    teaser: episode.teaser,
    createdAt: episode.createdAt,
    updatedAt: episode.updatedAt,
  };
}
