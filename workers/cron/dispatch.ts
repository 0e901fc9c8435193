import type { Env } from "../../server/env";
import { withJobContext } from "../job-context";
import type { CronJob } from "./define-cron";

/**
 * Runs every job registered for the firing schedule. One job failing does not stop the others, but the
 * invocation still fails afterwards so the error is visible in Workers logs and cron history.
 */
export async function runScheduledJobs(opts: { cron: string; env: Env; jobs: readonly CronJob[] }) {
  const due = opts.jobs.filter((job) => job.schedule === opts.cron);
  if (due.length === 0) throw new Error(`No cron job is registered for schedule "${opts.cron}".`);
  const failures: unknown[] = [];
  await withJobContext(opts.env, async (ctx) => {
    for (const job of due) {
      try {
        const result = await job.run({ ...ctx, now: new Date() });
        console.log(JSON.stringify({ event: "cron.done", job: job.id, schedule: opts.cron, ...result }));
      } catch (error) {
        console.error(
          JSON.stringify({
            event: "cron.failed",
            job: job.id,
            schedule: opts.cron,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
        failures.push(error);
      }
    }
  });
  if (failures.length > 0)
    throw new AggregateError(failures, `${failures.length} cron job(s) failed for "${opts.cron}".`);
  return due.map((job) => job.id);
}
