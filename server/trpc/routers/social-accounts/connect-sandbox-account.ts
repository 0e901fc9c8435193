import * as z from "zod";
import { text } from "../../../lib/text";
import { connectSandboxAccount } from "../../../services/social/accounts";
import { workspaceProcedure } from "../../init";
import { ZSocialAccount } from "./account-view";

export const ZConnectSandboxAccountInput = z.object({
  username: text("username", { min: 1, max: 31, empty: "Enter a username." })
    .transform((value) => value.replace(/^@/, ""))
    .pipe(z.string().regex(/^[A-Za-z0-9._]{1,30}$/, "Use 1–30 letters, numbers, periods or underscores.")),
});
export const ZConnectSandboxAccountOutput = ZSocialAccount;

export const connectSandboxAccountProcedure = workspaceProcedure("social.accounts.manage")
  .input(ZConnectSandboxAccountInput)
  .output(ZConnectSandboxAccountOutput)
  .mutation(({ ctx, input }) =>
    connectSandboxAccount({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      userId: ctx.auth.user.id,
      username: input.username,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
