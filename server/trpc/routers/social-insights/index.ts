import { router } from "../../init";
import { getAccountAnalyticsProcedure } from "./get-account-analytics";
import { getBestTimesProcedure } from "./get-best-times";
import { listMediaProcedure } from "./list-media";
import { suggestCaptionProcedure } from "./suggest-caption";
import { syncNowProcedure } from "./sync-now";

export const socialInsightsRouter = router({
  getAccountAnalytics: getAccountAnalyticsProcedure,
  listMedia: listMediaProcedure,
  getBestTimes: getBestTimesProcedure,
  syncNow: syncNowProcedure,
  suggestCaption: suggestCaptionProcedure,
});
