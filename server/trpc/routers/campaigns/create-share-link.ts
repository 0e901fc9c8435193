import * as z from "zod";
import { createShareLink } from "../../../services/campaigns/share-links";
import { ZCampaignId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZSharePurpose } from "./schemas";

export const ZCreateShareLinkInput = z.object({
  campaignId: ZCampaignId,
  purpose: ZSharePurpose,
  /** A report with host reads the transcripts do not prove is refused unless this says to share it anyway. */
  shareDespiteMissingMentions: z.boolean().optional(),
});
/** `url` carries the token: shown once, never stored. */
export const ZCreateShareLinkOutput = z.object({
  id: z.uuid(),
  purpose: ZSharePurpose,
  expiresAt: z.date(),
  url: z.string(),
});

export const createShareLinkProcedure = workspaceProcedure("campaigns.manage")
  .input(ZCreateShareLinkInput)
  .output(ZCreateShareLinkOutput)
  .mutation(async ({ ctx, input }) => {
    const { path, ...link } = await createShareLink({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      campaignId: input.campaignId,
      purpose: input.purpose,
      shareDespiteMissingMentions: input.shareDespiteMissingMentions,
    });
    return { ...link, url: new URL(path, ctx.config.appUrl).toString() };
  });
