import * as z from "zod";
import { listPendingInvitations } from "../../../services/workspaces/invitations";
import { workspaceProcedure } from "../../init";
import { ZRole } from "../../schemas";

export const ZListInvitationsOutput = z.array(
  z.object({ id: z.uuid(), email: z.string(), role: ZRole, expiresAt: z.date(), createdAt: z.date() }),
);

export const listInvitationsProcedure = workspaceProcedure("members.read")
  .output(ZListInvitationsOutput)
  .query(({ ctx }) => listPendingInvitations({ db: ctx.db, workspaceId: ctx.access.workspaceId, now: ctx.clock() }));
