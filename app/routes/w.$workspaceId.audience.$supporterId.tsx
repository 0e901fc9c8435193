import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDate, formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { formatMoney } from "../lib/money";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import { ownValue } from "../../server/lib/records";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data?.member.name ?? "Member", workspaceNameFrom(matches)) },
];

/** One procedure, one batch after the session. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return await context.api.audience.getMember({
      workspaceId: params.workspaceId ?? "",
      supporterId: params.supporterId ?? "",
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const supporterId = params.supporterId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const api = context.api.audience;
  try {
    switch (intent) {
      case "block":
      case "unblock":
        await api.setMemberBlocked({
          workspaceId,
          supporterId,
          blocked: intent === "block",
          reason: text(form, "reason"),
        });
        return {
          intent,
          notice:
            intent === "block"
              ? "Blocked. They lost access to everything of yours at once; their memberships are kept for if you unblock them."
              : "Unblocked. Their memberships open your content again.",
        };
      case "revoke":
        await api.revokeGrant({
          workspaceId,
          supporterId,
          grantId: text(form, "grantId"),
          reason: text(form, "reason"),
        });
        return { intent, notice: "Membership ended. Access stopped at once." };
      case "extend": {
        const ends = text(form, "endsAt");
        await api.extendGrant({
          workspaceId,
          supporterId,
          grantId: text(form, "grantId"),
          endsAt: ends ? new Date(`${ends}T00:00:00.000Z`) : null,
        });
        return { intent, notice: ends ? `Membership now ends on ${ends}.` : "Membership now has no end." };
      }
      case "note":
        await api.setMemberNote({ workspaceId, supporterId, note: text(form, "note") });
        return { intent, notice: "Note saved." };
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent, grantId: text(form, "grantId") });
  }
}

const SOURCE_LABELS: Record<string, string> = {
  free_signup: "Free sign-up",
  subscription: "Subscription",
  payment: "Payment",
  complimentary: "Complimentary",
  gift: "Gift",
  promotion: "Promotion",
  import: "Import",
};
const ACTION_LABELS: Record<string, string> = {
  "grant.issued": "Granted",
  "grant.extended": "Changed",
  "grant.ended": "Ended",
};

export default function Member() {
  const { member, grants, payments, history } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const manager = can(workspace.role, "audience.manage");
  const now = Date.now();
  const current = (grant: (typeof grants)[number]) =>
    grant.status === "active" &&
    new Date(grant.startsAt).getTime() <= now &&
    (grant.endsAt === null || new Date(grant.endsAt).getTime() > now);
  const failedGrant = result && "grantId" in result ? result.grantId : "";
  return (
    <>
      <p>
        <Link to={`/w/${workspace.id}/audience`}>← Audience</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{member.name}</h1>
          <p className="lead">
            {member.email} · joined {formatDate(new Date(member.joinedAt))}
            {member.status === "blocked" ? " · blocked" : member.status === "left" ? " · left your audience" : ""}
          </p>
        </div>
      </div>
      <Notice message={noticeOf(result)} />
      <ErrorSummary errors={errorsOf(result, ["block", "unblock", "note"])} />

      <section className="card" aria-labelledby="grants-heading">
        <h2 id="grants-heading">Memberships</h2>
        {grants.length === 0 ? (
          <p>No memberships yet.</p>
        ) : (
          <ul className="stack">
            {grants.map((grant) => (
              <li key={grant.id}>
                <h3>
                  {grant.tierName ?? (grant.kind === "tier" ? "Members" : grant.kind)}{" "}
                  <span className="badge">
                    {current(grant) ? "Current" : grant.status === "active" ? "Not current" : grant.status}
                  </span>
                </h3>
                <p>
                  {ownValue(SOURCE_LABELS, grant.source) ?? grant.source} · from {formatDate(new Date(grant.startsAt))}
                  {grant.endsAt ? ` until ${formatDate(new Date(grant.endsAt))}` : ", no end"}
                  {grant.endedReason ? ` · ${grant.endedReason}` : ""}
                </p>
                {manager && grant.status === "active" ? (
                  <>
                    <ErrorSummary errors={failedGrant === grant.id ? errorsOf(result, ["revoke", "extend"]) : null} />
                    {grant.source !== "subscription" && grant.source !== "payment" ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="grantId" value={grant.id} />
                        <label htmlFor={`ends-${grant.id}`}>Ends on</label>
                        <input
                          id={`ends-${grant.id}`}
                          type="date"
                          name="endsAt"
                          defaultValue={grant.endsAt ? new Date(grant.endsAt).toISOString().slice(0, 10) : ""}
                        />
                        <SubmitButton intent="extend" className="button button-secondary" pendingLabel="Saving…">
                          Change end
                        </SubmitButton>
                      </Form>
                    ) : null}
                    <details>
                      <summary>End this membership</summary>
                      <Form method="post" className="stack">
                        <input type="hidden" name="grantId" value={grant.id} />
                        <Field
                          id={`reason-${grant.id}`}
                          name="reason"
                          label="Reason"
                          maxLength={500}
                          hint="For your team; the member does not see it."
                        />
                        <SubmitButton intent="revoke" className="button button-danger" pendingLabel="Ending…">
                          End membership now
                        </SubmitButton>
                      </Form>
                    </details>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="payments-heading">
        <h2 id="payments-heading">Payments</h2>
        {payments.length === 0 ? (
          <p>No payments.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="payments-heading">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Provider</th>
                </tr>
              </thead>
              <tbody>
                {payments.map((payment) => (
                  <tr key={payment.id}>
                    <th scope="row">{formatDateTime(new Date(payment.createdAt))}</th>
                    <td>{payment.eventType}</td>
                    <td className="numeric">{formatMoney(payment.amountCents, payment.currency)}</td>
                    <td>{payment.provider === "sandbox" ? "Sandbox" : "Stripe"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        {history.length === 0 ? (
          <p>Nothing yet.</p>
        ) : (
          <ol>
            {history.map((entry) => (
              <li key={entry.id}>
                {formatDateTime(new Date(entry.createdAt))}: {ownValue(ACTION_LABELS, entry.action) ?? entry.action}
                {entry.status ? ` (${entry.status})` : ""}
                {entry.reason ? `, ${entry.reason}` : ""}
                {entry.actorName ? ` by ${entry.actorName}` : ""}
              </li>
            ))}
          </ol>
        )}
      </section>

      {/* Comments on posts and episodes (the comments domain) add a section here. */}

      {manager ? (
        <>
          <section className="card" aria-labelledby="note-heading">
            <h2 id="note-heading">Private note</h2>
            <Form method="post" className="stack">
              <div className="field">
                <label htmlFor="note">Note for your team (never shown to {member.name})</label>
                <textarea id="note" name="note" rows={3} maxLength={2000} defaultValue={member.note} />
              </div>
              <SubmitButton intent="note" className="button button-secondary" pendingLabel="Saving…">
                Save note
              </SubmitButton>
            </Form>
          </section>
          <section className="card card-danger" aria-labelledby="block-heading">
            <h2 id="block-heading">{member.status === "blocked" ? "Blocked" : "Block"}</h2>
            {member.status === "blocked" ? (
              <Form method="post" className="stack">
                <p>
                  Blocked {member.blockedAt ? formatDate(new Date(member.blockedAt)) : ""}
                  {member.blockedReason ? `: ${member.blockedReason}` : ""}. They see none of your members-only content.
                </p>
                <SubmitButton intent="unblock" className="button button-secondary" pendingLabel="Unblocking…">
                  Unblock {member.name}
                </SubmitButton>
              </Form>
            ) : (
              <details>
                <summary>Block {member.name}</summary>
                <Form method="post" className="stack">
                  <p>
                    They lose access to all your members-only and paid content at once, everywhere, and cannot comment.
                    A paid subscription keeps running until you or they cancel it.
                  </p>
                  <Field id="block-reason" name="reason" label="Reason" maxLength={500} hint="For your team." />
                  <SubmitButton intent="block" className="button button-danger" pendingLabel="Blocking…">
                    Block now
                  </SubmitButton>
                </Form>
              </details>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
