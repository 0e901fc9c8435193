import type { JobDefinition } from "./define-job";
import { sendEmailJob } from "./jobs/send-email";
import { transcribeJob } from "./jobs/transcribe";

/** Every queue job the Worker consumes. Add a job here and its producer names it by `id`. */
export const queueJobs: readonly JobDefinition[] = [sendEmailJob, transcribeJob];
