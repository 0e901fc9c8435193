import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, memberships, transcriptSegments, transcripts } from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { can } from "../workspaces/permissions";
import type { ExportTranscript } from "./types";

/**
 * A transcript with its segments, for a user who may read its workspace's content. A transcript of another
 * workspace is NOT_FOUND, like one that does not exist. Named after its episode, else its media file.
 */
export async function loadTranscriptForExport(opts: {
  db: DbOrTx;
  transcriptId: string;
  userId: string;
}): Promise<ExportTranscript> {
  const [row] = await opts.db
    .select({
      transcript: transcripts,
      role: memberships.role,
      episodeTitle: episodes.title,
      filename: mediaObjects.filename,
    })
    .from(transcripts)
    .innerJoin(
      memberships,
      and(eq(memberships.workspaceId, transcripts.workspaceId), eq(memberships.userId, opts.userId)),
    )
    .leftJoin(episodes, and(eq(episodes.id, transcripts.episodeId), eq(episodes.workspaceId, transcripts.workspaceId)))
    .leftJoin(
      mediaObjects,
      and(eq(mediaObjects.id, transcripts.mediaId), eq(mediaObjects.workspaceId, transcripts.workspaceId)),
    )
    .where(eq(transcripts.id, opts.transcriptId))
    .limit(1);
  if (!row || !can(row.role, "content.read")) throw notFound("Transcript");
  const { transcript } = row;
  const segments = await opts.db
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
        eq(transcriptSegments.workspaceId, transcript.workspaceId),
      ),
    )
    .orderBy(asc(transcriptSegments.position));
  return {
    id: transcript.id,
    title: row.episodeTitle ?? row.filename?.replace(/\.[^.]+$/, "") ?? "Transcript",
    language: transcript.language,
    summary: transcript.summary,
    chapters: transcript.chapters ?? [],
    segments,
  };
}
