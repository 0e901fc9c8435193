import * as z from "zod";
import { listAccounts } from "../../../services/social/accounts";
import { isInstagramConfigured } from "../../../services/social/instagram-client";
import { workspaceProcedure } from "../../init";
import { ZSocialAccount } from "./account-view";

export const ZListAccountsInput = z.object({ includeDisconnected: z.boolean().default(false) });
export const ZListAccountsOutput = z.object({
  items: z.array(ZSocialAccount),
  /** Whether this installation can connect Instagram accounts (app id and secret set). */
  instagramConfigured: z.boolean(),
});

export const listAccountsProcedure = workspaceProcedure("content.read")
  .input(ZListAccountsInput)
  .output(ZListAccountsOutput)
  .query(async ({ ctx, input }) => ({
    items: await listAccounts({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      includeDisconnected: input.includeDisconnected,
    }),
    instagramConfigured: isInstagramConfigured(ctx.env),
  }));
