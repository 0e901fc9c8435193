import type { CronJob } from "./define-cron";
import { authCleanupCron } from "./jobs/auth-cleanup";
import { closeUsagePeriodsCron } from "./jobs/close-usage-periods";
import { emailOutboxSweepCron } from "./jobs/email-outbox-sweep";
import { publishDueEpisodesCron } from "./jobs/publish-due-episodes";
import { startWaitingTranscriptionsCron } from "./jobs/start-waiting-transcriptions";

export const cronJobs: readonly CronJob[] = [authCleanupCron, emailOutboxSweepCron, startWaitingTranscriptionsCron, publishDueEpisodesCron, closeUsagePeriodsCron];
