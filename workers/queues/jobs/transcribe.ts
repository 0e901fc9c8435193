import * as z from "zod";
import { systemClock } from "../../../server/lib/clock";
import { transcriptionProvidersFromEnv } from "../../../server/services/transcription/providers";
import { TRANSCRIBE_JOB } from "../../../server/services/transcription/request";
import { runTranscriptionJob, TRANSCRIPTION_MAX_ATTEMPTS } from "../../../server/services/transcription/run";
import { defineJob } from "../define-job";

export { TRANSCRIPTION_MAX_ATTEMPTS };

export const transcribeJob = defineJob({
  id: TRANSCRIBE_JOB,
  payload: z.object({ jobId: z.uuid() }),
  async handle({ jobId }, ctx) {
    await runTranscriptionJob({
      db: ctx.db,
      bucket: ctx.env.MEDIA,
      providers: transcriptionProvidersFromEnv(ctx.env),
      jobId,
      finalAttempt: ctx.attempt >= TRANSCRIPTION_MAX_ATTEMPTS,
      // A run lasts minutes; its finish time is read when it finishes, not when the batch started.
      clock: systemClock,
    });
  },
});
