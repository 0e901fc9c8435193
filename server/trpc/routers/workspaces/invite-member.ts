import * as z from "zod";
import { ZEmail } from "../../../services/auth/validation";
import { inviteMember } from "../../../services/workspaces/invitations";
import { INVITABLE_ROLES } from "../../../services/workspaces/permissions";
import { workspaceProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { ZRole } from "../../schemas";

export const ZInviteMemberInput = z.object({ email: ZEmail, role: z.enum(INVITABLE_ROLES) });
export const ZInviteMemberOutput = z.object({ id: z.uuid(), email: z.string(), role: ZRole, expiresAt: z.date() });

export const inviteMemberProcedure = workspaceProcedure("members.manage")
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZInviteMemberInput)
  .output(ZInviteMemberOutput)
  .mutation(({ ctx, input }) =>
    inviteMember({
      db: ctx.db,
      appUrl: ctx.config.appUrl,
      workspaceId: ctx.access.workspaceId,
      inviter: { id: ctx.auth.user.id, name: ctx.auth.user.name },
      email: input.email,
      role: input.role,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
