import { deleteExpiredAuthRecords } from "../../../server/services/auth/cleanup";
import { defineCron } from "../define-cron";

export const authCleanupCron = defineCron({
  id: "auth-cleanup",
  schedule: "17 * * * *",
  run: (ctx) => deleteExpiredAuthRecords({ db: ctx.db, now: ctx.now }),
});
