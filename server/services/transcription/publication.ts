import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, shows, transcripts } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";

/**
 * Review before publishing (ADR 020): a machine transcript and its chapters reach the public episode page and the
 * feed only once the creator approves them, or when their show auto-publishes. Both writes return the public
 * pages they change, so the caller can drop the edge cache's copies.
 */

export const PUBLICATION_PARTS = ["transcript", "chapters"] as const;
export type PublicationPart = (typeof PUBLICATION_PARTS)[number];

interface Actor {
  userId: string;
  meta: RequestMeta;
}

export async function setTranscriptPublication(opts: {
  db: DbOrTx;
  workspaceId: string;
  transcriptId: string;
  part: PublicationPart;
  published: boolean;
  actor: Actor;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const column = opts.part === "transcript" ? "transcriptPublishedAt" : "chaptersPublishedAt";
    const [saved] = await tx
      .update(transcripts)
      .set({ [column]: opts.published ? opts.now : null })
      .where(and(eq(transcripts.id, opts.transcriptId), eq(transcripts.workspaceId, opts.workspaceId)))
      .returning({
        mediaId: transcripts.mediaId,
        chapters: transcripts.chapters,
        transcriptPublishedAt: transcripts.transcriptPublishedAt,
        chaptersPublishedAt: transcripts.chaptersPublishedAt,
      });
    if (!saved) throw notFound("Transcript");
    if (opts.part === "chapters" && opts.published && !saved.chapters?.length)
      throw new AppError("PRECONDITION_FAILED", "There are no chapters to publish yet: generate them first.");
    await recordAudit({
      db: tx,
      action: "transcript.publication_set",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { transcriptId: opts.transcriptId, part: opts.part, published: opts.published },
      meta: opts.actor.meta,
      now: opts.now,
    });
    // The public pages showing it: every episode publishing this audio (normally one).
    const pages = await tx
      .select({ showId: episodes.showId, episodeId: episodes.id })
      .from(episodes)
      .where(and(eq(episodes.workspaceId, opts.workspaceId), eq(episodes.audioMediaId, saved.mediaId)));
    return {
      transcriptPublishedAt: saved.transcriptPublishedAt,
      chaptersPublishedAt: saved.chaptersPublishedAt,
      pages,
    };
  });
}

export async function setShowAutoPublish(opts: {
  db: DbOrTx;
  workspaceId: string;
  showId: string;
  enabled: boolean;
  actor: Actor;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [saved] = await tx
      .update(shows)
      .set({ autoPublishTranscripts: opts.enabled, updatedAt: opts.now })
      .where(and(eq(shows.id, opts.showId), eq(shows.workspaceId, opts.workspaceId)))
      .returning({ id: shows.id, autoPublishTranscripts: shows.autoPublishTranscripts });
    if (!saved) throw notFound("Show");
    await recordAudit({
      db: tx,
      action: "show.transcript_auto_publish_set",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { showId: saved.id, enabled: opts.enabled },
      meta: opts.actor.meta,
      now: opts.now,
    });
    const pages = await tx
      .select({ episodeId: episodes.id })
      .from(episodes)
      .where(and(eq(episodes.workspaceId, opts.workspaceId), eq(episodes.showId, saved.id)));
    return {
      showId: saved.id,
      autoPublishTranscripts: saved.autoPublishTranscripts,
      episodeIds: pages.map((p) => p.episodeId),
    };
  });
}
