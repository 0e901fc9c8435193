import { runPublishingCron } from "../../../server/services/social/pipeline";
import { defineCron } from "../define-cron";

/** Claims social posts due within the next minute and sends each to the publish queue, delayed to its time. */
export const claimDueSocialPostsCron = defineCron({
  id: "claim-due-social-posts",
  schedule: "* * * * *",
  run: (ctx) => runPublishingCron({ db: ctx.db, queue: ctx.env.SOCIAL_QUEUE, now: ctx.now }),
});
