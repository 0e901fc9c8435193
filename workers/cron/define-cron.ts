import type { JobContext } from "../job-context";

/** One scheduled job. `schedule` must appear verbatim in wrangler.toml [triggers] crons (a test checks). */
export interface CronJob {
  id: string;
  schedule: string;
  run(ctx: JobContext): Promise<Record<string, number | string>>;
}

export const defineCron = (job: CronJob) => job;
