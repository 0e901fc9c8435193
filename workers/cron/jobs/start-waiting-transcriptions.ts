import { configuredTranscriptionProviders } from "../../../server/services/transcription/provider-config";
import { startWaitingTranscriptions } from "../../../server/services/transcription/request";
import { defineCron } from "../define-cron";

/** Jobs created while no provider was configured start within a minute of one being configured. */
export const startWaitingTranscriptionsCron = defineCron({
  id: "start-waiting-transcriptions",
  schedule: "* * * * *",
  run: async (ctx) => ({
    started: await startWaitingTranscriptions({
      db: ctx.db,
      queue: ctx.env.TRANSCRIPTION_QUEUE,
      providersConfigured: configuredTranscriptionProviders(ctx.env).length > 0,
      now: ctx.now,
    }),
  }),
});
