import * as z from "zod";
import { ZWorkspaceName } from "../../../services/auth/validation";
import { renameWorkspace } from "../../../services/workspaces/workspaces";
import { workspaceProcedure } from "../../init";

export const ZRenameWorkspaceInput = z.object({ name: ZWorkspaceName });
export const ZRenameWorkspaceOutput = z.object({ id: z.uuid(), name: z.string() });

export const renameWorkspaceProcedure = workspaceProcedure("workspace.update")
  .input(ZRenameWorkspaceInput)
  .output(ZRenameWorkspaceOutput)
  .mutation(({ ctx, input }) =>
    renameWorkspace({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      name: input.name,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
