import { sweepLapsedHolds } from "../../../server/services/events/waitlist";
import { defineCron } from "../define-cron";

/**
 * Holds and waitlist offers past their time are released and their seats offered to the next person within a
 * minute, even when nobody is buying (a reservation settles its own event's lapsed holds too). ADR 029.
 */
export const sweepEventHoldsCron = defineCron({
  id: "sweep-event-holds",
  schedule: "* * * * *",
  run: async (ctx) => {
    const { events, offered } = await sweepLapsedHolds({ db: ctx.db, now: ctx.now, appUrl: ctx.config.appUrl });
    return { events, offered };
  },
});
