import * as z from "zod";
import { rowId } from "../../../lib/text";
import { disconnectAccount } from "../../../services/social/accounts";
import { workspaceProcedure } from "../../init";
import { ZSocialAccount } from "./account-view";

export const ZDisconnectAccountInput = z.object({ accountId: rowId("Unknown social account.") });
export const ZDisconnectAccountOutput = ZSocialAccount;

export const disconnectAccountProcedure = workspaceProcedure("social.accounts.manage")
  .input(ZDisconnectAccountInput)
  .output(ZDisconnectAccountOutput)
  .mutation(({ ctx, input }) =>
    disconnectAccount({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      accountId: input.accountId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
