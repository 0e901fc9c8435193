import { Form } from "@remix-run/react";
import { SubmitButton } from "./form";

export interface ConnectStatus {
  accountId: string;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsCurrentlyDue: string[];
  requirementsPastDue: string[];
  disabledReason: string | null;
}

/** Stripe's requirement ids ("individual.verification.document") in words a creator can act on. */
const readable = (requirement: string) => requirement.replace(/[._]/g, " ");

function Requirements({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul>
        {items.map((item) => (
          <li key={item}>{readable(item)}</li>
        ))}
      </ul>
    </>
  );
}

/**
 * The creator's Stripe Connect account on /w/:id/payments (ADR 025): connect or finish onboarding on Stripe, what
 * Stripe still needs, and whether supporters can pay yet.
 */
export function ConnectAccountSection({ connect }: { connect: ConnectStatus | null }) {
  return (
    <section className="card" aria-labelledby="stripe-heading">
      <h2 id="stripe-heading">Stripe</h2>
      <p className="muted">
        Supporters pay you through Stripe Checkout on your own Stripe account; Greenroom takes its plan's fee from each
        payment.
      </p>
      {connect === null ? (
        <Form method="post">
          <p>Connect a Stripe account to take payments for paid tiers and tickets.</p>
          <SubmitButton intent="connect_start" className="button">
            Connect with Stripe
          </SubmitButton>
        </Form>
      ) : (
        <>
          <dl className="summary-list">
            <dt>Account</dt>
            <dd>{connect.accountId}</dd>
            <dt>Payments</dt>
            <dd>{connect.chargesEnabled ? "Enabled" : "Not enabled yet"}</dd>
            <dt>Payouts</dt>
            <dd>{connect.payoutsEnabled ? "Enabled" : "Not enabled yet"}</dd>
            <dt>Details</dt>
            <dd>{connect.detailsSubmitted ? "Submitted" : "Not submitted"}</dd>
          </dl>
          <Requirements title="Overdue for Stripe" items={connect.requirementsPastDue} />
          <Requirements title="Stripe still needs" items={connect.requirementsCurrentlyDue} />
          <div className="actions">
            {connect.chargesEnabled && connect.requirementsCurrentlyDue.length === 0 ? null : (
              <Form method="post" className="inline-form">
                <SubmitButton intent="connect_start" className="button">
                  Continue onboarding on Stripe
                </SubmitButton>
              </Form>
            )}
            <Form method="post" className="inline-form">
              <SubmitButton intent="connect_refresh" className="button button-secondary">
                Refresh status from Stripe
              </SubmitButton>
            </Form>
          </div>
        </>
      )}
    </section>
  );
}
