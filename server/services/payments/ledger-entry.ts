/**
 * The one place the payment providers hand an event to the audience ledger (ADR 022): the sandbox calls it inside
 * the transaction that changed its own state, and the Stripe Connect webhook inside the one that recorded the
 * delivery, so the provider's side, the ledger row and the grant change commit together.
 */
export { applyPaymentEvent } from "../audience/ledger";
