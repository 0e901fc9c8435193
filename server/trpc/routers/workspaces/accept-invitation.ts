import { z } from "zod";
import { acceptInvitation } from "../../../services/workspaces/invitations";
import { authedProcedure } from "../../init";

export const ZAcceptInvitationInput = z.object({ token: z.string().min(10).max(200) });
export const ZAcceptInvitationOutput = z.object({ workspaceId: z.uuid() });

export const acceptInvitationProcedure = authedProcedure
  .input(ZAcceptInvitationInput)
  .output(ZAcceptInvitationOutput)
  .mutation(({ ctx, input }) =>
    acceptInvitation({ db: ctx.db, token: input.token, user: ctx.auth.user, meta: ctx.meta, now: ctx.clock() }),
  );
