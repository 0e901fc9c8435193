import { and, asc, desc, eq, inArray, lte, sql, type SQL } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import {
  episodes,
  mediaObjects,
  shows,
  socialAccounts,
  socialPosts,
  transcriptionJobs,
  workspaces,
} from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { workspaceUsageFrom, workspaceUsageReads } from "../billing/usage";

/** How many shows the dashboard lists, and how many of each show's latest episodes. */
export const DASHBOARD_SHOWS = 6;
export const DASHBOARD_EPISODES_PER_SHOW = 3;
/** How many rows each of the other lists (scheduled episodes, posts, transcriptions) shows. */
export const DASHBOARD_LIST = 5;

const ACTIVE_JOB_STATUSES = ["waiting_for_provider", "queued", "transcribing"] as const;
const UPCOMING_POST_STATUSES = ["scheduled", "queued", "publishing"] as const;

/**
 * Everything the dashboard shows in one round trip (ADR 016): the workspace, usage against the plan, shows with
 * their latest episodes, what is scheduled next, social posts upcoming and failed, transcriptions in progress and
 * failed, and the facts behind the getting-started checklist. Every statement is keyed by the workspace id alone,
 * so all of them go in one batch; each list is bounded, so the cost does not grow with the workspace.
 */
export async function getWorkspaceDashboard(opts: { db: DbOrTx; workspaceId: string; now: Date }) {
  const { db, workspaceId, now } = opts;
  const recentShowIds = db
    .select({ id: shows.id })
    .from(shows)
    .where(eq(shows.workspaceId, workspaceId))
    .orderBy(desc(shows.createdAt), desc(shows.id))
    .limit(DASHBOARD_SHOWS);
  const rankedEpisodes = db
    .select({
      id: episodes.id,
      showId: episodes.showId,
      title: episodes.title,
      status: episodes.status,
      publishAt: episodes.publishAt,
      publishedAt: episodes.publishedAt,
      rank: sql<number>`row_number() over (partition by ${episodes.showId} order by coalesce(${episodes.publishedAt}, ${episodes.publishAt}, ${episodes.createdAt}) desc, ${episodes.id})`.as(
        "rank",
      ),
    })
    .from(episodes)
    .where(and(eq(episodes.workspaceId, workspaceId), inArray(episodes.showId, recentShowIds)))
    .as("ranked");

  const count = (from: SQL) => sql<number>`(select count(*)::int from ${from})`;
  const results = await readBatch(db, [
    ...workspaceUsageReads(db, workspaceId, now),
    db
      .select({
        id: workspaces.id,
        name: workspaces.name,
        createdAt: workspaces.createdAt,
        shows: count(sql`${shows} where ${shows.workspaceId} = ${workspaceId}`),
        readyAudio: count(
          sql`${mediaObjects} where ${mediaObjects.workspaceId} = ${workspaceId} and ${mediaObjects.kind} = 'audio' and ${mediaObjects.status} = 'ready'`,
        ),
        publishedEpisodes: count(
          sql`${episodes} where ${episodes.workspaceId} = ${workspaceId} and ${episodes.status} = 'published'`,
        ),
      })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId))
      .limit(1),
    db
      .select({
        id: shows.id,
        title: shows.title,
        episodeCount: count(sql`${episodes} where ${episodes.showId} = ${shows.id}`),
      })
      .from(shows)
      .where(eq(shows.workspaceId, workspaceId))
      .orderBy(desc(shows.createdAt), desc(shows.id))
      .limit(DASHBOARD_SHOWS),
    db
      .select()
      .from(rankedEpisodes)
      .where(lte(rankedEpisodes.rank, DASHBOARD_EPISODES_PER_SHOW))
      .orderBy(rankedEpisodes.showId, rankedEpisodes.rank),
    db
      .select({
        id: episodes.id,
        title: episodes.title,
        publishAt: episodes.publishAt,
        showId: shows.id,
        showTitle: shows.title,
      })
      .from(episodes)
      .innerJoin(shows, eq(shows.id, episodes.showId))
      .where(and(eq(episodes.workspaceId, workspaceId), eq(episodes.status, "scheduled")))
      .orderBy(asc(episodes.publishAt), asc(episodes.id))
      .limit(DASHBOARD_LIST),
    postsQuery(db, workspaceId)
      .where(and(eq(socialPosts.workspaceId, workspaceId), inArray(socialPosts.status, UPCOMING_POST_STATUSES)))
      .orderBy(asc(socialPosts.scheduledAt), asc(socialPosts.id))
      .limit(DASHBOARD_LIST),
    postsQuery(db, workspaceId)
      .where(and(eq(socialPosts.workspaceId, workspaceId), eq(socialPosts.status, "failed")))
      .orderBy(desc(socialPosts.updatedAt), desc(socialPosts.id))
      .limit(DASHBOARD_LIST),
    jobsQuery(db)
      .where(
        and(eq(transcriptionJobs.workspaceId, workspaceId), inArray(transcriptionJobs.status, ACTIVE_JOB_STATUSES)),
      )
      .orderBy(asc(transcriptionJobs.createdAt), asc(transcriptionJobs.id))
      .limit(DASHBOARD_LIST),
    jobsQuery(db)
      .where(and(eq(transcriptionJobs.workspaceId, workspaceId), eq(transcriptionJobs.status, "failed")))
      .orderBy(desc(transcriptionJobs.updatedAt), desc(transcriptionJobs.id))
      .limit(DASHBOARD_LIST),
  ] as const);
  const [
    account,
    storage,
    transcribed,
    scheduled,
    members,
    pending,
    accounts,
    [workspace],
    showRows,
    episodeRows,
    scheduledRows,
    upcomingRows,
    failedPostRows,
    activeJobRows,
    failedJobRows,
  ] = results;
  if (!workspace) throw notFound("Workspace");

  const post = (row: (typeof upcomingRows)[number]) => ({
    id: row.id,
    caption: row.caption,
    status: row.status,
    scheduledAt: row.scheduledAt,
    timezone: row.timezone,
    error: row.lastError,
    account: row.accountUsername ? { username: row.accountUsername } : null,
  });
  return {
    id: workspace.id,
    name: workspace.name,
    createdAt: workspace.createdAt,
    memberCount: Number(members[0]?.total ?? 0),
    usage: workspaceUsageFrom([account, storage, transcribed, scheduled, members, pending, accounts], now),
    checklist: {
      shows: workspace.shows,
      readyAudio: workspace.readyAudio,
      publishedEpisodes: workspace.publishedEpisodes,
      socialAccounts: Number(accounts[0]?.total ?? 0),
      pendingInvitations: Number(pending[0]?.total ?? 0),
    },
    shows: showRows.map((show) => ({
      ...show,
      latestEpisodes: episodeRows
        .filter((episode) => episode.showId === show.id)
        .map(({ id, title, status, publishAt, publishedAt }) => ({ id, title, status, publishAt, publishedAt })),
    })),
    scheduledEpisodes: scheduledRows,
    upcomingPosts: upcomingRows.map(post),
    failedPosts: failedPostRows.map(post),
    activeTranscriptions: activeJobRows,
    failedTranscriptions: failedJobRows,
  };
}

function postsQuery(db: DbOrTx, workspaceId: string) {
  return db
    .select({
      id: socialPosts.id,
      caption: socialPosts.caption,
      status: socialPosts.status,
      scheduledAt: socialPosts.scheduledAt,
      timezone: socialPosts.timezone,
      lastError: socialPosts.lastError,
      updatedAt: socialPosts.updatedAt,
      accountUsername: socialAccounts.username,
    })
    .from(socialPosts)
    .leftJoin(
      socialAccounts,
      and(eq(socialAccounts.id, socialPosts.accountId), eq(socialAccounts.workspaceId, workspaceId)),
    )
    .$dynamic();
}

function jobsQuery(db: DbOrTx) {
  return db
    .select({
      id: transcriptionJobs.id,
      status: transcriptionJobs.status,
      progress: transcriptionJobs.progress,
      error: transcriptionJobs.lastError,
      updatedAt: transcriptionJobs.updatedAt,
      mediaId: mediaObjects.id,
      filename: mediaObjects.filename,
    })
    .from(transcriptionJobs)
    .innerJoin(mediaObjects, eq(mediaObjects.id, transcriptionJobs.mediaId))
    .$dynamic();
}
