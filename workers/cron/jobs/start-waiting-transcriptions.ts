import { configuredTranscriptionProviders } from "../../../server/services/transcription/provider-config";
import {
  recoverStalledTranscriptions,
  startWaitingTranscriptions,
} from "../../../server/services/transcription/request";
import { defineCron } from "../define-cron";

/**
 * Jobs created while no provider was configured start within a minute of one being configured; jobs whose
 * message was lost or whose run died are picked up again.
 */
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
    ...(await recoverStalledTranscriptions({ db: ctx.db, queue: ctx.env.TRANSCRIPTION_QUEUE, now: ctx.now })),
  }),
});
