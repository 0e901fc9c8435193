import { enqueueNotificationEmails } from "../../../server/services/notifications/notify";
import { reencryptWithCurrentKey, refreshDueTokens } from "../../../server/services/social/token-refresh";
import { defineCron } from "../define-cron";

/**
 * Hourly: renews Instagram tokens in their last week (60-day tokens, so each is renewed about every 53 days),
 * flagging accounts that cannot be renewed well before their posts would fail, and re-seals tokens still under
 * an older SOCIAL_TOKEN_KEYS key (rotation). Needs-reconnect emails are
 * queued before any unexpected failure is thrown, so a bad account never silences the others' warnings.
 */
export const refreshSocialTokensCron = defineCron({
  id: "refresh-social-tokens",
  schedule: "17 * * * *",
  run: async (ctx) => {
    const result = await refreshDueTokens({ db: ctx.db, env: ctx.env, now: ctx.now, appUrl: ctx.config.appUrl });
    await enqueueNotificationEmails(ctx.env.EMAIL_QUEUE, result.emailIds);
    const rotation = await reencryptWithCurrentKey({ db: ctx.db, keys: ctx.env.SOCIAL_TOKEN_KEYS, now: ctx.now });
    const unexpected = [...result.unexpectedErrors, ...rotation.errors];
    if (unexpected.length > 0) {
      throw new Error(`Token upkeep failed for ${unexpected.length} account(s): ${unexpected[0].message}`, {
        cause: unexpected[0],
      });
    }
    return {
      refreshed: result.refreshed,
      failed: result.failed,
      needsReconnect: result.needsReconnect,
      reencrypted: rotation.reencrypted,
    };
  },
});
