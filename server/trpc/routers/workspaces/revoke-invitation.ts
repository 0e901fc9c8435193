import * as z from "zod";
import { rowId } from "../../../lib/text";
import { revokeInvitation } from "../../../services/workspaces/invitations";
import { workspaceProcedure } from "../../init";

export const ZRevokeInvitationInput = z.object({ invitationId: rowId("Unknown invitation.") });
export const ZRevokeInvitationOutput = z.object({ id: z.uuid() });

export const revokeInvitationProcedure = workspaceProcedure("members.manage")
  .input(ZRevokeInvitationInput)
  .output(ZRevokeInvitationOutput)
  .mutation(({ ctx, input }) =>
    revokeInvitation({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      invitationId: input.invitationId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
