import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { YourComments } from "../components/comments";
import { PrivateFeedsSection } from "../components/private-feeds";
import { YourTickets } from "../components/your-tickets";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { AuthPage } from "../components/shell";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data ? `Your membership of ${data.workspaceName}` : "Your membership") },
];

/** The supporter procedure's statement then the portal's batch: 2 waves after the session. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    // The reads leave together, each one batch with its own audience check: the page keeps its two waves.
    const [portal, feeds, tickets, comments] = await Promise.all([
      context.api.audience.getPortal({ workspaceId }),
      context.api.privateFeeds.listMine({ workspaceId }),
      context.api.events.listMyTickets({ workspaceId }),
      context.api.comments.listMine({ workspaceId }),
    ]);
    return { workspaceId, ...portal, feeds, tickets, comments };
  } catch (error) {
    // Not (or no longer) a member, or blocked: the creator's page says how to join, or that they were removed.
    if (
      error instanceof Error &&
      "code" in error &&
      (error.code === "PRECONDITION_FAILED" || error.code === "FORBIDDEN")
    ) {
      throw redirect(`/c/${workspaceId}`);
    }
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    switch (intent) {
      case "preferences":
        await context.api.audience.setEmailPreferences({
          workspaceId,
          emailNewsletters: form.get("emailNewsletters") === "on",
          emailNotifications: form.get("emailNotifications") === "on",
        });
        return { intent, notice: "Email preferences saved." };
      case "billing": {
        // The payments provider's portal: the sandbox's offline, Stripe's customer portal when connected.
        const { url } = await context.api.payments.createPortal({ workspaceId });
        throw redirect(url);
      }
      case "leave":
        await context.api.audience.leave({ workspaceId });
        throw redirect(withNotice(`/c/${workspaceId}`, "audience-left"));
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent });
  }
}

const STATUS_WORDS: Record<string, string> = {
  active: "Active",
  canceled: "Cancelled",
  expired: "Expired",
  refunded: "Refunded",
  disputed: "Disputed",
  revoked: "Ended by the creator",
};

export default function SupporterPortal() {
  const portal = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const now = Date.now();
  const current = portal.grants.filter(
    (grant) =>
      grant.status === "active" &&
      new Date(grant.startsAt).getTime() <= now &&
      (grant.endsAt === null || new Date(grant.endsAt).getTime() > now),
  );
  const past = portal.grants.filter((grant) => !current.includes(grant));
  const paid = current.some((grant) => grant.source === "subscription");
  return (
    <AuthPage title={`Your membership of ${portal.workspaceName}`} wide>
      <Notice message={noticeOf(result)} />
      <ErrorSummary errors={errorsOf(result)} />
      <section aria-labelledby="current-heading">
        <h2 id="current-heading">Now</h2>
        {portal.status === "blocked" ? <p>{portal.workspaceName} has removed you from their audience.</p> : null}
        {current.length === 0 ? (
          <p>
            No current membership. <Link to={`/c/${portal.workspaceId}`}>See the memberships</Link>.
          </p>
        ) : (
          <ul>
            {current.map((grant) => (
              <li key={grant.id}>
                <strong>{grant.tierName ?? "Member"}</strong> ({grant.tierKind === "paid" ? "paid" : "free"})
                {grant.endsAt
                  ? grant.cancelAtPeriodEnd
                    ? `, ends on ${formatDate(new Date(grant.endsAt))} (cancelled; no more charges)`
                    : `, ${grant.source === "subscription" ? "renews" : "ends"} on ${formatDate(new Date(grant.endsAt))}`
                  : ", no end date"}
              </li>
            ))}
          </ul>
        )}
        <p className="muted">Member since {formatDate(new Date(portal.joinedAt))}.</p>
        {paid ? (
          <Form method="post">
            <SubmitButton intent="billing" className="button button-secondary" pendingLabel="Opening…">
              Manage billing
            </SubmitButton>
            <p className="field-hint">Card, plan and cancelling, with the payment provider.</p>
          </Form>
        ) : null}
      </section>

      {/* Other domains add sections here: your private feeds (privfeeds), your comments, your tickets (events). */}

      <section aria-labelledby="email-heading">
        <h2 id="email-heading">Email</h2>
        <Form method="post" className="stack">
          <label className="checkbox">
            <input type="checkbox" name="emailNewsletters" defaultChecked={portal.emailNewsletters} /> Newsletters from{" "}
            {portal.workspaceName}
          </label>
          <label className="checkbox">
            <input type="checkbox" name="emailNotifications" defaultChecked={portal.emailNotifications} /> Replies to my
            comments and changes to my membership
          </label>
          <SubmitButton intent="preferences" className="button button-secondary" pendingLabel="Saving…">
            Save email preferences
          </SubmitButton>
        </Form>
      </section>

      {past.length ? (
        <section aria-labelledby="past-heading">
          <h2 id="past-heading">Earlier</h2>
          <ul>
            {past.map((grant) => (
              <li key={grant.id}>
                {grant.tierName ?? "Member"}:{" "}
                {Object.hasOwn(STATUS_WORDS, grant.status) ? STATUS_WORDS[grant.status] : grant.status}, from{" "}
                {formatDate(new Date(grant.startsAt))}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="leave-heading">
        <h2 id="leave-heading">Leave</h2>
        <details>
          <summary>Leave {portal.workspaceName}&apos;s audience</summary>
          <Form method="post" className="stack">
            <p>
              Your free and gifted memberships end now and you get no more emails from {portal.workspaceName}.
              {paid ? " Cancel your paid membership first." : ""} You can join again later.
            </p>
            <SubmitButton intent="leave" className="button button-danger" pendingLabel="Leaving…">
              Leave now
            </SubmitButton>
          </Form>
        </details>
      </section>
      {portal.status === "blocked" ? null : (
        <PrivateFeedsSection workspaceId={portal.workspaceId} initial={portal.feeds} />
      )}
      <YourTickets workspaceId={portal.workspaceId} tickets={portal.tickets} />
      <YourComments data={portal.comments} />
    </AuthPage>
  );
}
