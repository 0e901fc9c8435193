import type { CronJob } from "./define-cron";
import { authCleanupCron } from "./jobs/auth-cleanup";
import { backfillCreativeEncodingsCron } from "./jobs/backfill-creative-encodings";
import { claimDueSocialPostsCron } from "./jobs/claim-due-social-posts";
import { closeUsagePeriodsCron } from "./jobs/close-usage-periods";
import { deleteAbandonedUploadsCron } from "./jobs/delete-abandoned-uploads";
import { emailOutboxSweepCron } from "./jobs/email-outbox-sweep";
import { publishDueEpisodesCron } from "./jobs/publish-due-episodes";
import { publishDuePostsCron } from "./jobs/publish-due-posts";
import { refreshSocialTokensCron } from "./jobs/refresh-social-tokens";
import { rollupDownloadsCron } from "./jobs/rollup-downloads";
import { sandboxPaymentsBillingCron } from "./jobs/sandbox-payments-billing";
import { startWaitingTranscriptionsCron } from "./jobs/start-waiting-transcriptions";
import { syncSocialAccountsCron } from "./jobs/sync-social-accounts";
import { sweepEventHoldsCron } from "./jobs/sweep-event-holds";

export const cronJobs: readonly CronJob[] = [
  authCleanupCron,
  emailOutboxSweepCron,
  startWaitingTranscriptionsCron,
  publishDueEpisodesCron,
  closeUsagePeriodsCron,
  syncSocialAccountsCron,
  deleteAbandonedUploadsCron,
  claimDueSocialPostsCron,
  refreshSocialTokensCron,
  rollupDownloadsCron,
  sandboxPaymentsBillingCron,
  publishDuePostsCron,
  sweepEventHoldsCron,
  backfillCreativeEncodingsCron,
];
