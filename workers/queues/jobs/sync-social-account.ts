import { eq } from "drizzle-orm";
import * as z from "zod";
import { socialAccounts } from "../../../db/schema";
import { enqueueNotificationEmails } from "../../../server/services/notifications/notify";
import { runAccountSync } from "../../../server/services/social/insights";
import { SYNC_ACCOUNT_JOB } from "../../../server/services/social/sync";
import { defineJob } from "../define-job";

/**
 * Syncs one account. A failure is recorded on the account either way; a transient one is also thrown so the
 * queue retries it with backoff (the upserts make a repeated run harmless). A rate-limited account is left for
 * the next sweep rather than retried within seconds against a limit Meta asked us to respect.
 */
export const syncSocialAccountJob = defineJob({
  id: SYNC_ACCOUNT_JOB,
  payload: z.object({ accountId: z.uuid() }),
  async handle({ accountId }, ctx) {
    const [account] = await ctx.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
    // Disconnected or waiting for a reconnect since the sweep queued it: nothing to sync.
    if (!account || account.status !== "active") return;
    const result = await runAccountSync({ db: ctx.db, env: ctx.env, account, now: ctx.now, appUrl: ctx.config.appUrl });
    await enqueueNotificationEmails(ctx.env.EMAIL_QUEUE, result.emailIds);
    if (result.status === "failed" && result.kind === "transient") {
      throw new Error(`Sync of account ${accountId} failed (${result.kind}): ${result.message}`);
    }
  },
});
