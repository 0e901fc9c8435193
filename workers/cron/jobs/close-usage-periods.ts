import { closeUsagePeriods } from "../../../server/services/billing/usage";
import { defineCron } from "../define-cron";

// Hourly rather than on the 1st: the close is an idempotent delete by date, so running often costs nothing and
// a missed or failed run is made up within the hour.
export const closeUsagePeriodsCron = defineCron({
  id: "close-usage-periods",
  schedule: "17 * * * *",
  run: async (ctx) => ({ deleted: await closeUsagePeriods({ db: ctx.db, now: ctx.now }) }),
});
