import * as z from "zod";
import { listMembers } from "../../../services/workspaces/members";
import { workspaceProcedure } from "../../init";
import { ZRole } from "../../schemas";

export const ZListMembersOutput = z.array(
  z.object({ userId: z.uuid(), name: z.string(), email: z.string(), role: ZRole, joinedAt: z.date() }),
);

export const listMembersProcedure = workspaceProcedure("members.read")
  .output(ZListMembersOutput)
  .query(({ ctx }) => listMembers({ db: ctx.db, workspaceId: ctx.access.workspaceId }));
