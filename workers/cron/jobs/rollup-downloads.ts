import { runRollups } from "../../../server/services/analytics/rollup";
import { loadUserAgentLists } from "../../../server/services/analytics/user-agents";
import { defineCron } from "../define-cron";

/** Hourly: recount the days inside the late window from raw requests (idempotent), then drop expired salts. */
export const rollupDownloadsCron = defineCron({
  id: "rollup-downloads",
  schedule: "17 * * * *",
  run: async (ctx) => {
    // The Worker's bundle leaves the lists out (ADR 017); counting classifies every request with them.
    await loadUserAgentLists(ctx.env.ASSETS);
    return runRollups({ db: ctx.db, bucket: ctx.env.MEDIA, now: ctx.now });
  },
});
