import type { DbOrTx } from "../../../db/client";
import { paymentLedger } from "../../../db/schema";
import type { PaymentEvent } from "../audience/payment-events";

/**
 * The one place the payment providers hand an event to the audience ledger. Both the sandbox and the Stripe Connect
 * webhook call this, inside the transaction that recorded the provider's side, so the ledger row, the grant change
 * and the provider state commit together.
 *
 * INTERIM, until server/services/audience/ledger.ts (`applyPaymentEvent({ db, event, now })`, the audcore
 * engineer's) lands on main: this records the event in `payment_ledger` exactly once and changes no grant. Replacing
 * the body with `export { applyPaymentEvent } from "../audience/ledger"` is the whole switch-over.
 */
export async function applyPaymentEvent(opts: { db: DbOrTx; event: PaymentEvent; now: Date }): Promise<void> {
  const { event } = opts;
  await opts.db
    .insert(paymentLedger)
    .values({
      workspaceId: event.workspaceId,
      provider: event.provider,
      providerAccount: event.account,
      providerEventId: event.eventId,
      eventType: event.type,
      occurredAt: event.created,
      outcome: "ignored",
      detail: "recorded before the audience ledger was wired",
      createdAt: opts.now,
    })
    .onConflictDoNothing();
}
