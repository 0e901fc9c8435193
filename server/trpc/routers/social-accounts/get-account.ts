import * as z from "zod";
import { rowId } from "../../../lib/text";
import { getAccount } from "../../../services/social/accounts";
import { workspaceProcedure } from "../../init";
import { ZSocialAccount } from "./account-view";

export const ZGetAccountInput = z.object({ accountId: rowId("Unknown social account.") });
export const ZGetAccountOutput = ZSocialAccount;

export const getAccountProcedure = workspaceProcedure("content.read")
  .input(ZGetAccountInput)
  .output(ZGetAccountOutput)
  .query(({ ctx, input }) =>
    getAccount({ db: ctx.db, workspaceId: ctx.access.workspaceId, accountId: input.accountId }),
  );
