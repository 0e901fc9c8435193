import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatBytes } from "../../server/services/media/rules";
import { UsageMeters } from "../components/usage-meters";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { text } from "../lib/forms";
import { formatDate, formatDateTime } from "../lib/format";
import { formatMoney } from "../lib/money";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { workspaceNameFrom } from "../lib/workspace";
import { ownValue } from "../../server/lib/records";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Billing", workspaceNameFrom(matches)) }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    // The role comes from the session's memberships, so every read below is sent together: one wave (ADR 016).
    const role = (await context.api.workspaces.list()).find((w) => w.id === workspaceId)?.role;
    const manages = Boolean(role && can(role, "billing.manage"));
    // Stripe events and invoices are for owners and admins; other members see the plan and usage only.
    const [overview, usage, events, invoices] = await Promise.all([
      context.api.billing.getOverview({ workspaceId }),
      context.api.billing.getUsage({ workspaceId }),
      manages ? context.api.billing.listEvents({ workspaceId, limit: 25 }).then((r) => r.items) : null,
      // Stripe being unreachable must not hide the plan and usage: the history then says it is unavailable.
      manages
        ? context.api.billing.listInvoices({ workspaceId, limit: 24 }).then(
            (r) => r.items,
            (error: unknown) => {
              console.error(
                JSON.stringify({ event: "billing.invoices_unavailable", workspaceId, error: String(error) }),
              );
              return "unavailable" as const;
            },
          )
        : null,
    ]);
    return { overview, usage, events, invoices, manages };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

/** Upgrade and Manage billing are plain POST forms: the action asks Stripe for a session and redirects there. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "portal") throw redirect((await context.api.billing.createPortalSession({ workspaceId })).url);
    const plan = text(form, "plan");
    if (intent === "checkout" && (plan === "creator" || plan === "pro")) {
      throw redirect((await context.api.billing.createCheckoutSession({ workspaceId, plan })).url);
    }
    throw new Response("Unknown billing action.", { status: 400 });
  } catch (error) {
    return actionError(error, { intent });
  }
}

const money = (cents: number) =>
  cents === 0 ? "Free" : `$${(cents / 100).toFixed(cents % 100 === 0 ? 0 : 2)} / month`;

const STATUS_LABELS: Record<string, string> = {
  none: "No subscription",
  active: "Active",
  trialing: "Trial",
  past_due: "Payment failed",
  canceled: "Canceled",
  unpaid: "Unpaid",
  incomplete: "Awaiting payment",
  incomplete_expired: "Checkout expired",
  paused: "Paused",
};

const CHECKOUT_NOTICES: Record<string, string> = {
  success: "Thanks! Your payment went through; the new plan applies as soon as Stripe confirms it.",
  canceled: "Checkout was canceled; nothing changed.",
};

export default function Billing() {
  const { overview, usage, events, invoices, manages } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { plan } = overview;
  const [searchParams] = useSearchParams();
  const checkoutNotice = ownValue(CHECKOUT_NOTICES, searchParams.get("checkout") ?? "") ?? null;
  const hasSubscription =
    overview.status !== "none" && overview.status !== "canceled" && overview.status !== "incomplete_expired";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Billing</h1>
          <p className="lead">
            This workspace is on the <strong>{plan.name}</strong> plan.
          </p>
        </div>
        {manages && overview.configured && overview.status !== "none" ? (
          <Form method="post">
            <SubmitButton intent="portal" pendingLabel="Opening Stripe…" className="button button-secondary">
              Manage billing
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      <Notice message={checkoutNotice} />
      <ErrorSummary errors={actionData && "formError" in actionData ? actionData : null} />
      {!overview.configured ? (
        <section className="card" aria-labelledby="not-configured-heading">
          <h2 id="not-configured-heading">Billing is not configured</h2>
          <p className="muted">
            Payments are not set up on this Greenroom, so every workspace is on Free. Whoever runs it can turn them on.
          </p>{" "}
        </section>
      ) : null}
      <section className="card" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Current plan</h2>
        <dl>
          <dt>Status</dt>
          <dd>{ownValue(STATUS_LABELS, overview.status) ?? overview.status}</dd>
          {overview.currentPeriodEnd ? (
            <>
              <dt>{overview.cancelAtPeriodEnd ? "Ends on" : "Renews on"}</dt>
              <dd>{formatDate(overview.currentPeriodEnd)}</dd>
            </>
          ) : null}
          {overview.graceUntil ? (
            <>
              <dt>Paid features kept until</dt>
              <dd>{formatDateTime(overview.graceUntil)}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="usage-heading">
        <h2 id="usage-heading">Usage</h2>
        <UsageMeters usage={usage} />
      </section>
      <section className="card" aria-labelledby="plans-heading">
        <h2 id="plans-heading">Plans</h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="plans-heading">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Plan</th>
                <th scope="col">Price</th>
                <th scope="col">Transcription</th>
                <th scope="col">Storage</th>
                <th scope="col">Scheduled posts</th>
                <th scope="col">Social accounts</th>
                <th scope="col">Seats</th>
                {manages ? (
                  <th scope="col">
                    <span className="visually-hidden">Upgrade</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {overview.plans.map((p) => (
                <tr key={p.id} aria-current={p.id === plan.id ? "true" : undefined}>
                  <th scope="row">
                    {p.name}
                    {p.id === plan.id ? <span className="cell-sub">Current plan</span> : null}
                  </th>
                  <td className="nowrap">{money(p.monthlyPriceCents)}</td>
                  <td>{`${p.limits.transcriptionMinutesPerMonth} min / month`}</td>
                  <td className="nowrap">{formatBytes(p.limits.storageBytes)}</td>
                  <td>{`${p.limits.scheduledPostsPerMonth} / month`}</td>
                  <td>{p.limits.socialAccounts}</td>
                  <td>{p.limits.seats}</td>
                  {manages ? (
                    <td>
                      {p.purchasable && !hasSubscription ? (
                        <Form method="post">
                          <input type="hidden" name="plan" value={p.id} />
                          <SubmitButton
                            intent="checkout"
                            pendingLabel="Opening Stripe…"
                          >{`Upgrade to ${p.name}`}</SubmitButton>
                        </Form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {invoices ? (
        <section className="card" aria-labelledby="invoices-heading">
          <h2 id="invoices-heading">Billing history</h2>
          {invoices === "unavailable" ? (
            <p className="muted">Billing history is unavailable right now; try again in a minute.</p>
          ) : invoices.length === 0 ? (
            <p className="muted">No invoices yet.</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="invoices-heading">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Invoice</th>
                    <th scope="col">Amount</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {invoices.map((invoice) => (
                    <tr key={invoice.id}>
                      <td className="nowrap">{formatDate(invoice.created)}</td>
                      <td>
                        {invoice.hostedInvoiceUrl ? (
                          <a href={invoice.hostedInvoiceUrl} rel="noreferrer" target="_blank">
                            {invoice.number ?? invoice.id}
                          </a>
                        ) : (
                          (invoice.number ?? invoice.id)
                        )}
                      </td>
                      <td className="nowrap">
                        {formatMoney(
                          invoice.status === "paid" ? invoice.amountPaidCents : invoice.amountDueCents,
                          invoice.currency,
                        )}
                      </td>
                      <td>{invoice.status ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
      {events ? (
        <section className="card" aria-labelledby="events-heading">
          <h2 id="events-heading">Stripe events</h2>
          {events.length === 0 ? (
            <p className="muted">No events from Stripe yet.</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="events-heading">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Received</th>
                    <th scope="col">Event</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {events.map((event) => (
                    <tr key={event.id}>
                      <td className="nowrap">
                        <time dateTime={event.receivedAt.toISOString()}>{formatDateTime(event.receivedAt)}</time>
                      </td>
                      <td>
                        {event.type}
                        <span className="cell-sub">{event.id}</span>
                      </td>
                      <td>
                        {event.outcome}
                        {event.attempts > 1 ? <span className="cell-sub">{`${event.attempts} attempts`}</span> : null}
                      </td>
                      <td>{event.detail ?? <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
