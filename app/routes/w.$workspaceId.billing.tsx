import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { formatBytes } from "../../server/services/media/rules";
import { ErrorPanel } from "../components/error-page";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { formatDate, formatDateTime } from "../lib/format";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Billing", workspaceNameFrom(matches)) }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    const [overview, workspaces] = await Promise.all([context.api.billing.getOverview({ workspaceId }), context.api.workspaces.list()]);
    const role = workspaces.find((w) => w.id === workspaceId)?.role;
    // Stripe events are for owners and admins; other members see the plan only.
    const events = role && can(role, "billing.manage") ? (await context.api.billing.listEvents({ workspaceId, limit: 25 })).items : null;
    return { overview, events };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const money = (cents: number) => (cents === 0 ? "Free" : `$${(cents / 100).toFixed(cents % 100 === 0 ? 0 : 2)} / month`);

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

export default function Billing() {
  const { overview, events } = useLoaderData<typeof loader>();
  const { plan } = overview;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Billing</h1>
          <p className="lead">
            This workspace is on the <strong>{plan.name}</strong> plan.
          </p>
        </div>
      </div>
      {!overview.configured ? (
        <section className="card" aria-labelledby="not-configured-heading">
          <h2 id="not-configured-heading">Billing is not configured</h2>
          <p className="muted">
            No Stripe keys are set, so every workspace is on Free unless a plan was set locally with{" "}
            <code>npx tsx scripts/set-plan.ts &lt;workspaceId&gt; &lt;plan&gt;</code>.
          </p>
        </section>
      ) : null}
      <section className="card" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Current plan</h2>
        <dl>
          <dt>Status</dt>
          <dd>{STATUS_LABELS[overview.status] ?? overview.status}</dd>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
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
