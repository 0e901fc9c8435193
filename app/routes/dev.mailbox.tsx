import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { ErrorPage } from "../components/error-page";
import { BrandLink } from "../components/shell";
import { throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { pageTitle } from "../lib/meta";

export const meta: MetaFunction = () => [
  { title: pageTitle("Development mailbox") },
  { name: "robots", content: "noindex" },
];

/** The procedure answers NOT_FOUND in production, which becomes this page's 404. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  try {
    return { emails: await context.api.dev.listMailbox() };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g;

/** The plain-text body with its http(s) addresses as links; the HTML body is never injected into the page. */
function LinkifiedText({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_PATTERN).map((part, index) =>
        index % 2 === 1 ? (
          <a key={index} href={part}>
            {part}
          </a>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}

const STATUS_LABELS = { queued: "Queued", sent: "Delivered", failed: "Failed" } as const;

export default function DevMailbox() {
  const { emails } = useLoaderData<typeof loader>();
  return (
    <div className="dev-shell">
      <header className="auth-header">
        <BrandLink to="/" />
      </header>
      <main id="main" tabIndex={-1} className="page">
        <div className="banner banner-info">
          <p>
            <strong>Development mailbox</strong> — emails are not sent anywhere. They are listed here instead.
          </p>
        </div>
        <div className="page-header">
          <div>
            <h1>Mailbox</h1>
            <p className="lead">
              {emails.length === 50
                ? "The 50 latest emails the app has written, newest first."
                : emails.length === 1
                  ? "The 1 email the app has written."
                  : `The ${emails.length} emails the app has written, newest first.`}
            </p>
          </div>
          <Link className="button button-secondary" to="." reloadDocument>
            Refresh
          </Link>
        </div>
        {emails.length === 0 ? (
          <div className="card empty-state">
            <h2>No emails yet</h2>
            <p>Sign up, ask for a password reset or invite someone, and the email appears here.</p>
          </div>
        ) : (
          <ul className="mail-list">
            {emails.map((email) => (
              <li key={email.id}>
                <details className="mail card">
                  <summary>
                    <span className="mail-subject">{email.subject}</span>
                    <span className="mail-meta">
                      <span>To {email.to}</span>
                      <span className={`badge badge-${email.status}`}>{STATUS_LABELS[email.status]}</span>
                      <time dateTime={email.createdAt.toISOString()}>{formatDateTime(email.createdAt)}</time>
                    </span>
                  </summary>
                  <div className="mail-body">
                    {email.lastError ? <p className="field-error">Last delivery error: {email.lastError}</p> : null}
                    <pre className="mail-text">
                      <LinkifiedText text={email.text} />
                    </pre>
                  </div>
                </details>
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
