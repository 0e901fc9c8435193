import * as z from "zod";
import { revokeShareLink } from "../../../services/campaigns/share-links";
import { ZShareLinkId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";

export const ZRevokeShareLinkInput = z.object({ shareLinkId: ZShareLinkId });
export const ZRevokeShareLinkOutput = z.object({ id: z.uuid(), revokedAt: z.date() });

export const revokeShareLinkProcedure = workspaceProcedure("campaigns.manage")
  .input(ZRevokeShareLinkInput)
  .output(ZRevokeShareLinkOutput)
  .mutation(({ ctx, input }) =>
    revokeShareLink({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      shareLinkId: input.shareLinkId,
    }),
  );
