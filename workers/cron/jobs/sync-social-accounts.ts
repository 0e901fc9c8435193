import { enqueueAccountSyncs } from "../../../server/services/social/sync";
import { defineCron } from "../define-cron";

/** Every six hours, one queued sync per active account (any workspace); "Sync now" covers the moments between. */
export const syncSocialAccountsCron = defineCron({
  id: "sync-social-accounts",
  schedule: "0 */6 * * *",
  run: async (ctx) => ({ queued: await enqueueAccountSyncs({ db: ctx.db, queue: ctx.env.SOCIAL_SYNC_QUEUE }) }),
});
