import * as z from "zod";
import { ZWorkspaceName } from "../../../services/auth/validation";
import { createWorkspace } from "../../../services/workspaces/workspaces";
import { authedProcedure } from "../../init";
import { ZRole } from "../../schemas";

export const ZCreateWorkspaceInput = z.object({ name: ZWorkspaceName });
export const ZCreateWorkspaceOutput = z.object({ id: z.uuid(), name: z.string(), role: ZRole });

export const createWorkspaceProcedure = authedProcedure
  .input(ZCreateWorkspaceInput)
  .output(ZCreateWorkspaceOutput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction((tx) =>
      createWorkspace({ db: tx, userId: ctx.auth.user.id, name: input.name, meta: ctx.meta, now: ctx.clock() }),
    ),
  );
