import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/social.css?url";
import { ownValue } from "../../server/lib/records";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Notifications", workspaceNameFrom(matches)) }];

const LIMIT = 50;

const KIND_LABEL: Record<string, string> = {
  "social.post_published": "Published",
  "social.post_failed": "Post failed",
  "social.account_needs_reconnect": "Reconnect needed",
  "billing.welcome": "Billing",
  "billing.past_due": "Payment",
};
const KIND_TONE: Record<string, string> = {
  "social.post_published": "badge-success",
  "social.post_failed": "badge-failed",
  "social.account_needs_reconnect": "badge-warning",
  "billing.past_due": "badge-failed",
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return await context.api.notifications.list({ workspaceId: params.workspaceId ?? "", limit: LIMIT });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const intent = text(form, "intent");
  const id = text(form, "id");
  try {
    if (intent === "read-all") {
      const { marked } = await context.api.notifications.markRead({ workspaceId: params.workspaceId ?? "" });
      return {
        intent,
        notice: marked === 1 ? "1 notification marked as read." : `${marked} notifications marked as read.`,
      };
    }
    if (intent === "read") {
      await context.api.notifications.markRead({ workspaceId: params.workspaceId ?? "", ids: [id] });
      return { intent, notice: "Marked as read." };
    }
    throw new Response("Unknown action.", { status: 400 });
  } catch (error) {
    return actionError(error, { intent });
  }
}

export default function Notifications() {
  const { items, unread } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Notifications</h1>
          <p className="lead">
            {unread === 0 ? "You are all caught up." : `${unread} unread.`} Failures, reconnect requests and published
            posts, newest first.
          </p>
        </div>
        {unread > 0 ? (
          <Form method="post">
            <SubmitButton intent="read-all" className="button button-secondary" pendingLabel="Marking…">
              Mark all as read
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      <Notice message={noticeOf(result)} />
      <ErrorSummary errors={errorsOf(result)} />
      {items.length === 0 ? (
        <div className="empty-state">
          <p>
            No notifications yet. You will hear here when a post is published or fails, or an account needs
            reconnecting.
          </p>
        </div>
      ) : (
        <ul className="notification-list">
          {items.map((item) => (
            <li key={item.id} className={item.readAt ? "notification" : "notification is-unread"}>
              <p className="notification-meta">
                <span className={`badge ${ownValue(KIND_TONE, item.kind) ?? ""}`}>
                  {ownValue(KIND_LABEL, item.kind) ?? "Notice"}
                </span>
                {item.readAt ? null : <span className="badge badge-queued">Unread</span>}
                <time className="muted" dateTime={item.createdAt.toISOString()}>
                  {formatDateTime(item.createdAt)}
                </time>
              </p>
              <p className="notification-title">
                {item.link ? <Link to={item.link}>{item.title}</Link> : <strong>{item.title}</strong>}
              </p>
              <p>{item.body}</p>
              {item.readAt ? null : (
                <Form method="post">
                  <input type="hidden" name="id" value={item.id} />
                  <SubmitButton intent="read" className="button button-secondary button-small" pendingLabel="Marking…">
                    Mark as read<span className="visually-hidden"> — {item.title}</span>
                  </SubmitButton>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
