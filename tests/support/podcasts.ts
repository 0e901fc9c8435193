import type { Database } from "../../db/client";
import {
  episodes,
  mediaObjects,
  shows,
  transcriptSegments,
  transcripts,
  type EpisodeStatus,
  type MediaKind,
  type MediaStatus,
} from "../../db/schema";

/** Rows for podcast tests, written straight to the tables (the upload and transcription pipelines are not under test). */

export async function insertMedia(
  db: Database,
  workspaceId: string,
  opts: {
    kind?: MediaKind;
    status?: MediaStatus;
    contentType?: string;
    size?: number;
    filename?: string;
    durationSeconds?: number | null;
    widthPx?: number | null;
    heightPx?: number | null;
  } = {},
) {
  const kind = opts.kind ?? "audio";
  // Images are valid show artwork (1400-3000 px square) unless a test says otherwise.
  const side = kind === "image" ? 1400 : null;
  const size = opts.size ?? 1000;
  const [media] = await db
    .insert(mediaObjects)
    .values({
      workspaceId,
      r2Key: `w/${workspaceId}/${crypto.randomUUID()}`,
      filename: opts.filename ?? (kind === "image" ? "cover.png" : "episode.mp3"),
      contentType: opts.contentType ?? (kind === "image" ? "image/png" : "audio/mpeg"),
      kind,
      declaredSize: size,
      size,
      status: opts.status ?? "ready",
      durationSeconds: opts.durationSeconds ?? null,
      widthPx: opts.widthPx === undefined ? side : opts.widthPx,
      heightPx: opts.heightPx === undefined ? side : opts.heightPx,
    })
    .returning();
  return media;
}

export async function insertShow(db: Database, workspaceId: string, values: Partial<typeof shows.$inferInsert> = {}) {
  const [show] = await db
    .insert(shows)
    .values({
      workspaceId,
      title: "The Test Show",
      description: "A show about tests.",
      author: "Tess Tester",
      ...values,
    })
    .returning();
  return show;
}

export async function insertEpisode(
  db: Database,
  show: { id: string; workspaceId: string },
  values: Partial<typeof episodes.$inferInsert> & { status?: EpisodeStatus } = {},
) {
  const [episode] = await db
    .insert(episodes)
    .values({ workspaceId: show.workspaceId, showId: show.id, title: "Episode", ...values })
    .returning();
  return episode;
}

/** A published episode with ready audio: what the feed and public pages show. */
export async function insertPublishedEpisode(
  db: Database,
  show: { id: string; workspaceId: string },
  values: Partial<typeof episodes.$inferInsert> = {},
  audio = {},
) {
  const media = await insertMedia(db, show.workspaceId, audio);
  const episode = await insertEpisode(db, show, {
    status: "published",
    publishedAt: new Date(),
    audioMediaId: media.id,
    ...values,
  });
  return { episode, media };
}

export async function insertTranscript(
  db: Database,
  opts: {
    workspaceId: string;
    mediaId: string;
    episodeId?: string | null;
    segments: { startMs: number; endMs: number; text: string; speaker?: string | null }[];
    chapters?: { startMs: number; title: string }[] | null;
    summary?: string | null;
    language?: string | null;
    /**
     * Whether the creator approved the text and chapters for the public page and feed (ADR 020). Defaults to
     * approved: these fixtures stand for a reviewed transcript; review itself is tested on its own.
     */
    approved?: boolean;
  },
) {
  const approvedAt = opts.approved === false ? null : new Date();
  const [transcript] = await db
    .insert(transcripts)
    .values({
      transcriptPublishedAt: approvedAt,
      chaptersPublishedAt: approvedAt,
      workspaceId: opts.workspaceId,
      mediaId: opts.mediaId,
      episodeId: opts.episodeId ?? null,
      provider: "test",
      language: opts.language ?? "en",
      summary: opts.summary ?? null,
      chapters: opts.chapters ?? null,
    })
    .returning();
  if (opts.segments.length) {
    await db.insert(transcriptSegments).values(
      opts.segments.map((segment, position) => ({
        workspaceId: opts.workspaceId,
        transcriptId: transcript.id,
        position,
        startMs: segment.startMs,
        endMs: segment.endMs,
        speaker: segment.speaker ?? null,
        text: segment.text,
      })),
    );
  }
  return transcript;
}
