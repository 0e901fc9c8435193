import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ConnectAccountSection } from "../components/connect-account";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { formatDate, formatDateTime } from "../lib/format";
import { formatMoney } from "../lib/money";
import { pageTitle } from "../lib/meta";
import { workspaceNameFrom } from "../lib/workspace";
import { ownValue } from "../../server/lib/records";
import { SANDBOX_CONTROLS, SANDBOX_DISPUTE_ACTIONS } from "../../server/services/payments/sandbox-controls";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Payments", workspaceNameFrom(matches)) }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return await context.api.payments.getOverview({ workspaceId: params.workspaceId ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const CONTROL_NOTICES: Record<string, string> = {
  renew: "Renewed: the next period is paid (sandbox).",
  fail_renewal: "The renewal payment failed: the subscription is past due (sandbox).",
  fail_next_renewal: "The next renewal will fail (sandbox).",
  cancel_now: "Canceled now (sandbox).",
  cancel_at_period_end: "Set to cancel at the end of the period (sandbox).",
  resume: "Resumed: it renews again (sandbox).",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    const control = SANDBOX_CONTROLS.find((c) => c === intent);
    if (control) {
      await context.api.payments.sandboxControlSubscription({
        workspaceId,
        subscriptionId: text(form, "subscriptionId"),
        control,
      });
      return { notice: ownValue(CONTROL_NOTICES, control) ?? "Done." };
    }
    if (intent === "connect_start") {
      throw redirect((await context.api.payments.startConnectOnboarding({ workspaceId })).url);
    }
    if (intent === "connect_refresh") {
      const status = await context.api.payments.refreshConnectAccount({ workspaceId });
      return {
        notice: status.chargesEnabled
          ? "Your Stripe account can take payments."
          : "Stripe still needs details before your account can take payments.",
      };
    }
    if (intent === "refund") {
      const refunded = await context.api.payments.refundPayment({ workspaceId, paymentId: text(form, "paymentId") });
      return { notice: `Refunded ${formatMoney(refunded.amountRefundedCents, refunded.currency)}.` };
    }
    const dispute = SANDBOX_DISPUTE_ACTIONS.find((a) => `dispute_${a}` === intent);
    if (dispute) {
      await context.api.payments.sandboxDisputePayment({
        workspaceId,
        paymentId: text(form, "paymentId"),
        action: dispute,
      });
      return { notice: `Dispute ${dispute === "open" ? "opened" : dispute} (sandbox).` };
    }
    throw new Response("Unknown payments action.", { status: 400 });
  } catch (error) {
    return actionError(error, { intent });
  }
}

const STATUS_LABELS: Record<string, string> = {
  trialing: "Trial",
  active: "Active",
  past_due: "Payment failed",
  canceled: "Canceled",
};

function ControlButton({
  intent,
  name,
  value,
  children,
}: {
  intent: string;
  name: string;
  value: string;
  children: string;
}) {
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name={name} value={value} />
      <SubmitButton intent={intent} className="button button-secondary button-small">
        {children}
      </SubmitButton>
    </Form>
  );
}

export default function Payments() {
  const overview = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Payments</h1>
          <p className="lead">How your supporters pay you for paid tiers and tickets.</p>
        </div>
      </div>
      <Notice message={noticeOf(result)} />
      <ErrorSummary errors={errorsOf(result)} />
      {overview.mode === "off" ? (
        <section className="card" aria-labelledby="off-heading">
          <h2 id="off-heading">Payments are not set up</h2>
          <p className="muted">
            This Greenroom has no Stripe Connect keys, so supporters cannot pay yet. Whoever runs it can turn them on.
          </p>
        </section>
      ) : null}
      {overview.mode === "stripe" ? <ConnectAccountSection connect={overview.connect} /> : null}
      {overview.sandbox ? (
        <>
          <section className="card" aria-labelledby="sandbox-heading">
            <h2 id="sandbox-heading">Sandbox payments — no real money</h2>
            <p>
              This Greenroom runs without Stripe, so payments are simulated: supporters confirm a sandbox checkout and
              get the access a real payment would give. Use the controls below to try what Stripe would do next:
              renewals, failed payments, cancellations, refunds and disputes.
            </p>
          </section>
          <section className="card" aria-labelledby="subscriptions-heading">
            <h2 id="subscriptions-heading">Sandbox subscriptions</h2>
            {overview.sandbox.subscriptions.length === 0 ? (
              <p className="muted">No sandbox subscriptions yet.</p>
            ) : (
              <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="subscriptions-heading">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Supporter</th>
                      <th scope="col">Tier</th>
                      <th scope="col">Status</th>
                      <th scope="col">Period ends</th>
                      <th scope="col">Controls</th>
                    </tr>
                  </thead>
                  <tbody>
                    {overview.sandbox.subscriptions.map((s) => (
                      <tr key={s.id}>
                        <td>{s.userEmail}</td>
                        <td>
                          {s.tierName}
                          <span className="cell-sub">
                            {formatMoney(s.amountCents, s.currency)} / {s.interval}
                          </span>
                        </td>
                        <td>
                          {ownValue(STATUS_LABELS, s.status) ?? s.status}
                          {s.cancelAtPeriodEnd ? <span className="cell-sub">Cancels at period end</span> : null}
                          {s.failNextRenewal ? <span className="cell-sub">Next renewal will fail</span> : null}
                        </td>
                        <td className="nowrap">{formatDate(s.currentPeriodEnd)}</td>
                        <td>
                          {s.status === "canceled" ? (
                            <span className="muted">Ended</span>
                          ) : (
                            <div className="actions">
                              <ControlButton intent="renew" name="subscriptionId" value={s.id}>
                                Renew now
                              </ControlButton>
                              <ControlButton intent="fail_renewal" name="subscriptionId" value={s.id}>
                                Fail a renewal
                              </ControlButton>
                              <ControlButton intent="fail_next_renewal" name="subscriptionId" value={s.id}>
                                Fail the next renewal
                              </ControlButton>
                              {s.cancelAtPeriodEnd ? (
                                <ControlButton intent="resume" name="subscriptionId" value={s.id}>
                                  Resume
                                </ControlButton>
                              ) : (
                                <ControlButton intent="cancel_at_period_end" name="subscriptionId" value={s.id}>
                                  Cancel at period end
                                </ControlButton>
                              )}
                              <ControlButton intent="cancel_now" name="subscriptionId" value={s.id}>
                                Cancel now
                              </ControlButton>
                            </div>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="card" aria-labelledby="payments-heading">
            <h2 id="payments-heading">Sandbox payments</h2>
            {overview.sandbox.payments.length === 0 ? (
              <p className="muted">No sandbox payments yet.</p>
            ) : (
              <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="payments-heading">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Supporter</th>
                      <th scope="col">Amount</th>
                      <th scope="col">Status</th>
                      <th scope="col">Controls</th>
                    </tr>
                  </thead>
                  <tbody>
                    {overview.sandbox.payments.map((p) => (
                      <tr key={p.id}>
                        <td className="nowrap">{formatDateTime(p.createdAt)}</td>
                        <td>{p.userEmail ?? "—"}</td>
                        <td className="nowrap">
                          {formatMoney(p.amountCents, p.currency)}
                          {p.refundedCents > 0 ? (
                            <span className="cell-sub">{formatMoney(p.refundedCents, p.currency)} refunded</span>
                          ) : null}
                        </td>
                        <td>
                          {p.status === "failed" ? "Failed" : "Paid"}
                          {p.disputeStatus ? <span className="cell-sub">Dispute {p.disputeStatus}</span> : null}
                        </td>
                        <td>
                          {p.status === "succeeded" ? (
                            <div className="actions">
                              {p.refundedCents < p.amountCents && p.disputeStatus === null ? (
                                <ControlButton intent="refund" name="paymentId" value={p.id}>
                                  Refund
                                </ControlButton>
                              ) : null}
                              {p.disputeStatus === null && p.refundedCents < p.amountCents ? (
                                <ControlButton intent="dispute_open" name="paymentId" value={p.id}>
                                  Open a dispute
                                </ControlButton>
                              ) : null}
                              {p.disputeStatus === "open" ? (
                                <>
                                  <ControlButton intent="dispute_won" name="paymentId" value={p.id}>
                                    Win the dispute
                                  </ControlButton>
                                  <ControlButton intent="dispute_lost" name="paymentId" value={p.id}>
                                    Lose the dispute
                                  </ControlButton>
                                </>
                              ) : null}
                            </div>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
