import type { JobDefinition } from "./define-job";
import { recordEnclosureRequestsJob } from "./jobs/record-enclosure-requests";
import { recordFeedFetchesJob } from "./jobs/record-feed-fetches";
import { prepareNewsletterJob } from "./jobs/prepare-newsletter";
import { publishSocialPostJob } from "./jobs/publish-social-post";
import { sendEmailJob } from "./jobs/send-email";
import { sendNewsletterJob } from "./jobs/send-newsletter";
import { syncSocialAccountJob } from "./jobs/sync-social-account";
import { transcribeJob } from "./jobs/transcribe";

/** Every queue job the Worker consumes. Add a job here and its producer names it by `id`. */
export const queueJobs: readonly JobDefinition[] = [
  sendEmailJob,
  transcribeJob,
  syncSocialAccountJob,
  publishSocialPostJob,
  recordEnclosureRequestsJob,
  recordFeedFetchesJob,
  prepareNewsletterJob,
  sendNewsletterJob,
];
