import * as z from "zod";
import { getWorkspaceOverview } from "../../../services/workspaces/workspaces";
import { workspaceProcedure } from "../../init";
import { ZRole } from "../../schemas";

export const ZGetOverviewOutput = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.date(),
  memberCount: z.number().int(),
  pendingInvitationCount: z.number().int(),
  role: ZRole,
});

export const getOverviewProcedure = workspaceProcedure("workspace.read")
  .output(ZGetOverviewOutput)
  .query(async ({ ctx }) => ({
    ...(await getWorkspaceOverview({ db: ctx.db, workspaceId: ctx.access.workspaceId, now: ctx.clock() })),
    role: ctx.access.role,
  }));
