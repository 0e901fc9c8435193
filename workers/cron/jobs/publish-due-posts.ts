import { NEWSLETTER_PREPARE_JOB, requeueStuckNewsletters } from "../../../server/services/posts/newsletter";
import { publishDuePosts } from "../../../server/services/posts/posts";
import { enqueueJobs } from "../../../server/services/platform/jobs";
import { defineCron } from "../define-cron";

/**
 * Scheduled posts go live within a minute of their time (a repeated run publishes nothing twice), their pending
 * newsletters start, and newsletter work whose queue message was lost is queued again.
 */
export const publishDuePostsCron = defineCron({
  id: "publish-due-posts",
  schedule: "* * * * *",
  run: async (ctx) => {
    const { published, newsletters, failed } = await publishDuePosts({ db: ctx.db, now: ctx.now });
    await enqueueJobs(
      ctx.env.EMAIL_QUEUE,
      NEWSLETTER_PREPARE_JOB,
      newsletters.map((postId) => ({ postId })),
    );
    const requeued = await requeueStuckNewsletters({ db: ctx.db, queue: ctx.env.EMAIL_QUEUE, now: ctx.now });
    return { published: published.length, failed: failed.length, newsletters: newsletters.length, ...requeued };
  },
});
