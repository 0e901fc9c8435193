import { sendEventReminders } from "../../../server/services/events/notices";
import { registerEventsPaymentHandler, settleDueRefunds } from "../../../server/services/events/orders";
import { sweepLapsedHolds } from "../../../server/services/events/waitlist";
import { paymentsProvider } from "../../../server/services/payments/payments";
import { paymentsMode } from "../../../server/services/payments/provider";
import { defineCron } from "../define-cron";

/**
 * Holds and waitlist offers past their time are released and their seats offered to the next person within a
 * minute, even when nobody is buying (a reservation settles its own event's lapsed holds too). ADR 029.
 * Then the events' other clocks (ADR 032): refunds owed (late payments, cancellations, canceled events, second
 * payments) are asked of the provider with their idempotency keys until none is due, and holders get their 24-hour
 * and 1-hour reminders, each once.
 */
export const sweepEventHoldsCron = defineCron({
  id: "sweep-event-holds",
  schedule: "* * * * *",
  run: async (ctx) => {
    // A refund at the sandbox reports back through the ledger in the same call; its ticket handler needs the links.
    registerEventsPaymentHandler(ctx.config.appUrl);
    const { events, offered } = await sweepLapsedHolds({ db: ctx.db, now: ctx.now, appUrl: ctx.config.appUrl });
    const { sent } = await sendEventReminders({ db: ctx.db, now: ctx.now, appUrl: ctx.config.appUrl });
    // Last: a provider that cannot be built (payments off) must not stop the seats and reminders above.
    const refunds =
      paymentsMode(ctx.env).kind === "off"
        ? { refunded: 0, failed: 0 }
        : await settleDueRefunds({
            db: ctx.db,
            provider: paymentsProvider({ env: ctx.env, appUrl: ctx.config.appUrl }),
            now: ctx.now,
          });
    return { events, offered, refunded: refunds.refunded, refundsFailed: refunds.failed, reminders: sent };
  },
});
