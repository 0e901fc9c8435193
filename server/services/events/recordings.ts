import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, events, posts } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { escapeHtml } from "../../lib/html";
import { recordAudit } from "../audit/audit";
import { createEpisode, updateEpisode } from "../podcasts/episodes";
import { podcastUrls } from "../podcasts/urls";
import { createPost, updatePost } from "../posts/posts";
import { postUrls } from "../posts/urls";
import type { Actor } from "./manage";

/**
 * An event's recording (issue 13 item 8, ADR 034): after the event, an episode (audio from the media library, in a
 * chosen show) or a post (a link to the recording) kept for the event's ticket holders — `visibility =
 * ticket_holders` with `visibility_event_id`, which the one gate opens to holders of a valid ticket grant for that
 * event and to the team. A recording is any post or episode of the workspace that names the event that way.
 */

export type RecordingRequest =
  | { kind: "episode"; showId: string; audioMediaId: string; title: string; description: string; publish: boolean }
  | { kind: "post"; url: string; title: string; note: string; publish: boolean };

export interface EventRecording {
  kind: "episode" | "post";
  id: string;
  title: string;
  status: "draft" | "scheduled" | "published";
  /** The studio's editor for it. */
  editUrl: string;
  /** Its public page once published (holders read or hear it there or in their private feed). */
  publicUrl: string | null;
  createdAt: Date;
}

/**
 * The recordings of some events (the episodes and posts that name them): two statements to put in a page's batch
 * beside its other reads (ADR 016), turned into one list by `recordingsFrom`.
 */
export function recordingReads(db: DbOrTx, workspaceId: string, eventIds: readonly string[]) {
  const ids = eventIds.length > 0 ? [...eventIds] : ["00000000-0000-0000-0000-000000000000"];
  return [
    db
      .select({
        id: episodes.id,
        eventId: sql<string>`${episodes.visibilityEventId}`,
        showId: sql<string | null>`${episodes.showId}`,
        title: episodes.title,
        status: episodes.status,
        createdAt: episodes.createdAt,
      })
      .from(episodes)
      .where(and(eq(episodes.workspaceId, workspaceId), inArray(episodes.visibilityEventId, ids))),
    db
      .select({
        id: posts.id,
        eventId: sql<string>`${posts.visibilityEventId}`,
        showId: sql<string | null>`null::uuid`,
        title: posts.title,
        status: posts.status,
        createdAt: posts.createdAt,
      })
      .from(posts)
      .where(and(eq(posts.workspaceId, workspaceId), inArray(posts.visibilityEventId, ids))),
  ] as const;
}

interface RecordingRow {
  id: string;
  eventId: string;
  showId: string | null;
  title: string;
  status: "draft" | "scheduled" | "published";
  createdAt: Date;
}

export function recordingOf(
  kind: EventRecording["kind"],
  row: RecordingRow,
  workspaceId: string,
  appUrl: string,
): EventRecording & { eventId: string } {
  return {
    kind,
    id: row.id,
    eventId: row.eventId,
    title: row.title,
    status: row.status,
    editUrl: `/w/${workspaceId}/${kind === "episode" ? "episodes" : "posts"}/${row.id}`,
    publicUrl:
      row.status !== "published"
        ? null
        : kind === "episode"
          ? podcastUrls(appUrl).episodePage(row.showId!, row.id)
          : postUrls(appUrl).page(workspaceId, row.id),
    createdAt: row.createdAt,
  };
}

/** Both reads' rows as one list, newest first. */
export function recordingsFrom(
  [episodeRows, postRows]: readonly [readonly RecordingRow[], readonly RecordingRow[]],
  workspaceId: string,
  appUrl: string,
) {
  return [
    ...episodeRows.map((row) => recordingOf("episode", row, workspaceId, appUrl)),
    ...postRows.map((row) => recordingOf("post", row, workspaceId, appUrl)),
  ].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

async function readRecordings(db: DbOrTx, workspaceId: string, eventId: string, appUrl: string) {
  const [episodeReads, postReads] = recordingReads(db, workspaceId, [eventId]);
  const rows = await Promise.all([episodeReads, postReads]);
  return recordingsFrom(rows, workspaceId, appUrl);
}

/** The link post's body: the address as a link, then the creator's note (both escaped; the sanitiser runs anyway). */
function linkBody(url: string, note: string) {
  const paragraphs = note
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => `<p>${escapeHtml(part)}</p>`);
  return [`<p><a href="${escapeHtml(url)}">Watch the recording</a></p>`, ...paragraphs].join("");
}

/**
 * Makes the event's recording, once: the event's row lock serialises two submits, and while the event has a recording
 * the existing one is returned (`created: false`) unless the creator asks for another (`another`). The episode or
 * post is written by its own domain's service inside this transaction (its audit row included), then
 * `event.recording_published` is recorded beside it. Only an event that has ended and was not canceled has a
 * recording.
 */
export async function publishEventRecording(
  opts: Actor & { eventId: string; recording: RecordingRequest; another: boolean },
): Promise<{ created: boolean; recording: EventRecording & { eventId: string } }> {
  return opts.db.transaction(async (tx) => {
    const [event] = await tx
      .select({ id: events.id, title: events.title, status: events.status, endsAt: events.endsAt })
      .from(events)
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId)))
      .for("update");
    if (!event) throw notFound("Event");
    if (event.status === "canceled")
      throw new AppError(
        "PRECONDITION_FAILED",
        "The event was canceled: it has no ticket holders to share a recording with.",
      );
    if (event.endsAt.getTime() > opts.now.getTime())
      throw new AppError("PRECONDITION_FAILED", "Publish the recording once the event has ended.");
    if (!opts.another) {
      const [latest] = await readRecordings(tx, opts.workspaceId, event.id, opts.appUrl);
      if (latest) return { created: false, recording: latest };
    }
    const actor = { ...opts, db: tx };
    const audience = { visibility: "ticket_holders" as const, visibilityTierIds: [], visibilityEventId: event.id };
    const request = opts.recording;
    let kind: EventRecording["kind"];
    let row: RecordingRow;
    if (request.kind === "episode") {
      const draft = await createEpisode({
        ...actor,
        showId: request.showId,
        fields: {
          title: request.title,
          description: request.description,
          episodeNumber: null,
          seasonNumber: null,
          audioMediaId: request.audioMediaId,
          durationSeconds: null,
          episodeType: "bonus",
          ...audience,
          teaser: `The recording of ${event.title}, for its ticket holders.`,
        },
      });
      const episode = request.publish
        ? await updateEpisode({ ...actor, episodeId: draft.id, changes: { status: "published" } })
        : draft;
      kind = "episode";
      row = { ...episode, eventId: event.id };
    } else {
      const draft = await createPost({
        ...actor,
        fields: {
          title: request.title,
          bodyHtml: linkBody(request.url, request.note),
          bodyJson: null,
          excerpt: `The recording of ${event.title}, for its ticket holders.`,
          ...audience,
        },
      });
      const post = request.publish
        ? (await updatePost({ ...actor, postId: draft.id, changes: { status: "published" } })).post
        : draft;
      kind = "post";
      row = { ...post, eventId: event.id, showId: null };
    }
    await recordAudit({
      db: tx,
      action: "event.recording_published",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { eventId: event.id, kind, id: row.id, status: row.status },
      meta: opts.meta,
      now: opts.now,
    });
    return { created: true, recording: recordingOf(kind, row, opts.workspaceId, opts.appUrl) };
  });
}
