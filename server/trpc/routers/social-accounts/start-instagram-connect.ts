import * as z from "zod";
import { startInstagramConnect } from "../../../services/social/accounts";
import { workspaceProcedure } from "../../init";

export const ZStartInstagramConnectOutput = z.object({ url: z.url() });

/** Returns Instagram's consent page to send the member to; the callback finishes the connect. */
export const startInstagramConnectProcedure = workspaceProcedure("social.accounts.manage")
  .output(ZStartInstagramConnectOutput)
  .mutation(({ ctx }) =>
    startInstagramConnect({
      db: ctx.db,
      env: ctx.env,
      workspaceId: ctx.access.workspaceId,
      userId: ctx.auth.user.id,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
