import * as z from "zod";
import { ZLinkToken } from "../../../services/auth/validation";
import { previewInvitation } from "../../../services/workspaces/invitations";
import { publicProcedure } from "../../init";
import { ZRole } from "../../schemas";

export const ZPreviewInvitationInput = z.object({ token: ZLinkToken });
export const ZPreviewInvitationOutput = z.object({
  email: z.string(),
  role: ZRole,
  workspaceName: z.string(),
  inviterName: z.string().nullable(),
});

export const previewInvitationProcedure = publicProcedure
  .input(ZPreviewInvitationInput)
  .output(ZPreviewInvitationOutput)
  .query(({ ctx, input }) => previewInvitation({ db: ctx.db, token: input.token, ip: ctx.meta.ip, now: ctx.clock() }));
