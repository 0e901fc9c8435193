import { paymentsMode } from "../../../server/services/payments/provider";
import { runSandboxBilling } from "../../../server/services/payments/sandbox";
import { defineCron } from "../define-cron";

/**
 * The payments sandbox's billing clock (ADR 025): every minute, open checkouts past their expiry close and
 * subscriptions at period end renew, fail or end, each reported to the ledger as Stripe would. Only while the
 * sandbox is the provider; Stripe runs its own clock.
 */
export const sandboxPaymentsBillingCron = defineCron({
  id: "sandbox-payments-billing",
  schedule: "* * * * *",
  run: async (ctx) => {
    if (paymentsMode(ctx.env).kind !== "sandbox") return { skipped: "sandbox not in use" };
    return runSandboxBilling({ db: ctx.db, now: ctx.now });
  },
});
