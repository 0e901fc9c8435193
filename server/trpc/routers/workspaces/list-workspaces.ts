import { z } from "zod";
import { listUserWorkspaces } from "../../../services/workspaces/workspaces";
import { authedProcedure } from "../../init";
import { ZRole } from "../../schemas";

export const ZListWorkspacesOutput = z.array(z.object({ id: z.uuid(), name: z.string(), role: ZRole }));

export const listWorkspacesProcedure = authedProcedure
  .output(ZListWorkspacesOutput)
  .query(({ ctx }) => listUserWorkspaces({ db: ctx.db, userId: ctx.auth.user.id }));
