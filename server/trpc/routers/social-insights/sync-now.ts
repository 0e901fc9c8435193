import * as z from "zod";
import { rowId } from "../../../lib/text";
import { syncAccountNow } from "../../../services/social/insights";
import { workspaceProcedure } from "../../init";

export const ZSyncNowInput = z.object({ accountId: rowId("Unknown account.") });
export const ZSyncNowOutput = z.object({
  status: z.enum(["synced", "failed", "needs_reconnect"]),
  /** Posts synced, when it worked. */
  media: z.number().int().nullable(),
  /** The provider's message, when it did not. */
  message: z.string().nullable(),
});

/** Syncs one of the workspace's accounts now; refused within a few minutes of the last attempt. */
export const syncNowProcedure = workspaceProcedure("content.write")
  .input(ZSyncNowInput)
  .output(ZSyncNowOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await syncAccountNow({
      db: ctx.db,
      env: ctx.env,
      workspaceId: ctx.access.workspaceId,
      accountId: input.accountId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      appUrl: ctx.config.appUrl,
    });
    return result.status === "synced"
      ? { status: result.status, media: result.media, message: null }
      : { status: result.status, media: null, message: result.message };
  });
