import * as z from "zod";
import { ZLinkToken } from "../../../services/auth/validation";
import { acceptInvitation } from "../../../services/workspaces/invitations";
import { authedProcedure } from "../../init";

export const ZAcceptInvitationInput = z.object({ token: ZLinkToken });
export const ZAcceptInvitationOutput = z.object({ workspaceId: z.uuid() });

export const acceptInvitationProcedure = authedProcedure
  .input(ZAcceptInvitationInput)
  .output(ZAcceptInvitationOutput)
  .mutation(({ ctx, input }) =>
    acceptInvitation({ db: ctx.db, token: input.token, user: ctx.auth.user, meta: ctx.meta, now: ctx.clock() }),
  );
