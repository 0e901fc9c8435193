import { requeueStuckEmails } from "../../../server/services/email/outbox";
import { defineCron } from "../define-cron";

/** Emails whose enqueue was lost after their row was written are queued again after ten minutes. */
export const emailOutboxSweepCron = defineCron({
  id: "email-outbox-sweep",
  schedule: "*/5 * * * *",
  run: async (ctx) => ({
    requeued: await requeueStuckEmails({
      db: ctx.db,
      emailQueue: ctx.env.EMAIL_QUEUE,
      olderThan: new Date(ctx.now.getTime() - 10 * 60_000),
    }),
  }),
});
