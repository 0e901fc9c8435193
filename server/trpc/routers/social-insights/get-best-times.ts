import * as z from "zod";
import { rowId, text } from "../../../lib/text";
import { isTimeZone } from "../../../lib/time-zones";
import { getAccountBestTimes, ZBestTimes } from "../../../services/social/insights";
import { workspaceProcedure } from "../../init";

export const ZGetBestTimesInput = z.object({
  /** Without one, the account `getAccountAnalytics` shows by default, so a page can ask for both at once. */
  accountId: rowId("Unknown account.").optional(),
  timezone: text("time zone", { min: 1, max: 64, empty: "Pick a time zone from the list." })
    .refine(isTimeZone, "Pick a time zone from the list.")
    .default("UTC"),
});
export const ZGetBestTimesOutput = ZBestTimes;

/** Engagement of the account's own posts by weekday and hour in the member's zone, with the evidence. */
export const getBestTimesProcedure = workspaceProcedure("content.read")
  .input(ZGetBestTimesInput)
  .output(ZGetBestTimesOutput)
  .query(({ ctx, input }) =>
    getAccountBestTimes({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      accountId: input.accountId,
      timezone: input.timezone,
      now: ctx.clock(),
    }),
  );
