import { runRollups } from "../../../server/services/analytics/rollup";
import { defineCron } from "../define-cron";

/** Hourly: recount the days inside the late window from raw requests (idempotent), then drop expired salts. */
export const rollupDownloadsCron = defineCron({
  id: "rollup-downloads",
  schedule: "17 * * * *",
  run: (ctx) => runRollups({ db: ctx.db, bucket: ctx.env.MEDIA, now: ctx.now }),
});
