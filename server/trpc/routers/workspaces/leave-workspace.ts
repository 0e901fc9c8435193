import * as z from "zod";
import { leaveWorkspace } from "../../../services/workspaces/members";
import { workspaceProcedure } from "../../init";

export const ZLeaveWorkspaceOutput = z.object({ workspaceId: z.uuid() });

export const leaveWorkspaceProcedure = workspaceProcedure("workspace.read")
  .output(ZLeaveWorkspaceOutput)
  .mutation(({ ctx }) =>
    leaveWorkspace({ db: ctx.db, access: ctx.access, actorUserId: ctx.auth.user.id, meta: ctx.meta, now: ctx.clock() }),
  );
