import * as z from "zod";
import { formatted } from "../../../lib/text";
import { listCalendar } from "../../../services/social/posts";
import { isTimeZone } from "../../../services/social/schedule-time";
import { workspaceProcedure } from "../../init";
import { ZPostSummary, ZTimeZone } from "./schemas";

const ZDay = formatted("date", /^\d{4}-\d{2}-\d{2}$/, "Enter a date (YYYY-MM-DD).");

export const ZListCalendarInput = z.object({
  from: ZDay,
  to: ZDay,
  timezone: ZTimeZone.refine(isTimeZone, "Choose a time zone from the list."),
});
export const ZListCalendarOutput = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  items: z.array(ZPostSummary.extend({ at: z.date(), local: z.string() })),
});

/** Posts on the local days `from`–`to` (inclusive) in `timezone`, each with its wall-clock time there. */
export const listCalendarProcedure = workspaceProcedure("content.read")
  .input(ZListCalendarInput)
  .output(ZListCalendarOutput)
  .query(({ ctx, input }) =>
    listCalendar({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      from: input.from,
      to: input.to,
      timezone: input.timezone,
    }),
  );
