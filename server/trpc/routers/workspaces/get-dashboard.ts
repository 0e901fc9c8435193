import * as z from "zod";
import { EPISODE_STATUSES, SOCIAL_POST_STATUSES, TRANSCRIPTION_STATUSES } from "../../../../db/schema";
import { getWorkspaceDashboard } from "../../../services/workspaces/dashboard";
import { workspaceProcedure } from "../../init";
import { ZGetUsageOutput } from "../billing/get-usage";
import { ZRole } from "../../schemas";

const ZPost = z.object({
  id: z.uuid(),
  caption: z.string(),
  status: z.enum(SOCIAL_POST_STATUSES),
  scheduledAt: z.date().nullable(),
  timezone: z.string(),
  error: z.string().nullable(),
  account: z.object({ username: z.string() }).nullable(),
});

const ZJob = z.object({
  id: z.uuid(),
  status: z.enum(TRANSCRIPTION_STATUSES),
  progress: z.number().int(),
  error: z.string().nullable(),
  updatedAt: z.date(),
  mediaId: z.uuid(),
  filename: z.string(),
});

export const ZGetDashboardOutput = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.date(),
  role: ZRole,
  memberCount: z.number().int(),
  usage: ZGetUsageOutput,
  checklist: z.object({
    shows: z.number().int(),
    readyAudio: z.number().int(),
    publishedEpisodes: z.number().int(),
    socialAccounts: z.number().int(),
    pendingInvitations: z.number().int(),
  }),
  shows: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      episodeCount: z.number().int(),
      latestEpisodes: z.array(
        z.object({
          id: z.uuid(),
          title: z.string(),
          status: z.enum(EPISODE_STATUSES),
          publishAt: z.date().nullable(),
          publishedAt: z.date().nullable(),
        }),
      ),
    }),
  ),
  scheduledEpisodes: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      publishAt: z.date().nullable(),
      showId: z.uuid(),
      showTitle: z.string(),
    }),
  ),
  upcomingPosts: z.array(ZPost),
  failedPosts: z.array(ZPost),
  activeTranscriptions: z.array(ZJob),
  failedTranscriptions: z.array(ZJob),
});

/** The dashboard in one batch; every member sees it, as they see the content and the plan it summarises. */
export const getDashboardProcedure = workspaceProcedure("workspace.read")
  .output(ZGetDashboardOutput)
  .query(async ({ ctx }) => {
    const dashboard = await getWorkspaceDashboard({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      now: ctx.clock(),
    });
    const { plan } = dashboard.usage;
    return {
      ...dashboard,
      usage: { ...dashboard.usage, plan: { id: plan.id, name: plan.name } },
      role: ctx.access.role,
    };
  });
