import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { TRPCClientError } from "@trpc/client";
import { useEffect, useState, type FormEvent } from "react";
import { ErrorSummary, Field, SubmitButton, useClearPasswordsOn } from "../components/form";
import { Notice } from "../components/notice";
import { AppShell } from "../components/shell";
import { requireUser } from "../lib/auth.server";
import { actionError } from "../lib/errors.server";
import { describeDevice, formatDateTime, truncate } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";
import { trpc } from "../lib/trpc.client";

export const meta: MetaFunction = () => [{ title: pageTitle("Account") }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const [sessions, workspaces] = await Promise.all([context.api.auth.listSessions(), context.api.workspaces.list()]);
  return { user, sessions, workspaces };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    switch (intent) {
      case "change-password":
        await context.api.auth.changePassword({
          currentPassword: text(form, "currentPassword"),
          newPassword: text(form, "newPassword"),
        });
        // A fresh page: the session this request started with has just been replaced.
        throw redirect(withNotice("/account", "password-changed"));
      case "change-name": {
        const { name } = await context.api.auth.changeName({ name: text(form, "name") });
        return { intent, notice: `Your name is now ${name}.` };
      }
      case "change-email": {
        const { pendingEmail } = await context.api.auth.requestEmailChange({
          newEmail: text(form, "newEmail"),
          currentPassword: text(form, "currentPassword"),
        });
        return {
          intent,
          notice: `We sent a link to ${pendingEmail}. Your address changes when you open it; until then, keep using ${
            requireUser(context, request).email
          }.`,
        };
      }
      case "revoke-session":
        await context.api.auth.revokeSession({ sessionId: text(form, "sessionId") });
        return { intent, notice: "That session is logged out." };
      case "revoke-others": {
        const { revoked } = await context.api.auth.revokeOtherSessions();
        return {
          intent,
          notice: revoked === 1 ? "Logged out 1 other session." : `Logged out ${revoked} other sessions.`,
        };
      }
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    // actionError rethrows what is not a procedure error, such as the redirect above.
    return actionError(error, { intent });
  }
}

const PASSWORD_LABELS = { currentPassword: "Current password", newPassword: "New password" };
const NAME_LABELS = { name: "Your name" };
const EMAIL_LABELS = { newEmail: "New email address", currentPassword: "Current password" };

export default function Account() {
  const { user, sessions, workspaces } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [clientNotice, setClientNotice] = useState<string | null>(null);
  useEffect(() => setClientNotice(null), [result]);
  const passwordErrors = errorsOf(result, "change-password");
  const passwordFormRef = useClearPasswordsOn(passwordErrors);
  const nameErrors = errorsOf(result, "change-name");
  const emailErrors = errorsOf(result, "change-email");
  const emailFormRef = useClearPasswordsOn(emailErrors);
  const others = sessions.filter((session) => !session.current);

  return (
    <AppShell user={user} workspaces={workspaces}>
      <div className="page-header">
        <div>
          <h1>Account</h1>
          <p className="lead">Your profile, password and where you are logged in.</p>
        </div>
      </div>
      <Notice message={clientNotice ?? noticeOf(result)} />

      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl className="summary-list">
          <div>
            <dt>Name</dt>
            <dd>{user.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>
              {user.email}{" "}
              {user.emailVerified ? (
                <span className="badge badge-success">Confirmed</span>
              ) : (
                <span className="badge badge-warning">Not confirmed</span>
              )}
            </dd>
          </div>
        </dl>

        <h3 id="name-heading">Change your name</h3>
        <ErrorSummary errors={nameErrors} labels={NAME_LABELS} idPrefix="profile-" />
        <Form method="post" className="stack page-narrow-form" noValidate aria-labelledby="name-heading">
          <Field
            id="profile-name"
            label={NAME_LABELS.name}
            name="name"
            autoComplete="name"
            required
            defaultValue={user.name}
            errors={nameErrors?.fieldErrors.name}
          />
          <SubmitButton intent="change-name" className="button button-secondary" pendingLabel="Saving…">
            Save name
          </SubmitButton>
        </Form>

        <h3 id="email-heading">Change your email address</h3>
        <p className="muted">
          We send a link to the new address; it takes effect when you open it, and we tell your current address. You
          stay logged in.
        </p>
        <ErrorSummary errors={emailErrors} labels={EMAIL_LABELS} idPrefix="email-" />
        <Form
          ref={emailFormRef}
          method="post"
          className="stack page-narrow-form"
          noValidate
          aria-labelledby="email-heading"
        >
          <Field
            id="email-newEmail"
            label={EMAIL_LABELS.newEmail}
            name="newEmail"
            type="email"
            autoComplete="email"
            spellCheck={false}
            required
            errors={emailErrors?.fieldErrors.newEmail}
          />
          <Field
            id="email-currentPassword"
            label={EMAIL_LABELS.currentPassword}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            hint="So that nobody who borrows your logged-in device can take over the account."
            errors={emailErrors?.fieldErrors.currentPassword}
          />
          <SubmitButton intent="change-email" className="button button-secondary" pendingLabel="Sending link…">
            Send confirmation link
          </SubmitButton>
        </Form>
      </section>

      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <p>Changing your password logs you out everywhere else.</p>
        <ErrorSummary errors={passwordErrors} labels={PASSWORD_LABELS} />
        <Form ref={passwordFormRef} method="post" className="stack page-narrow-form" noValidate>
          <Field
            label={PASSWORD_LABELS.currentPassword}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            errors={passwordErrors?.fieldErrors.currentPassword}
          />
          <Field
            label={PASSWORD_LABELS.newPassword}
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            hint="At least 10 characters."
            errors={passwordErrors?.fieldErrors.newPassword}
          />
          <SubmitButton intent="change-password" pendingLabel="Changing password…">
            Change password
          </SubmitButton>
        </Form>
      </section>

      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are logged in</h2>
        <ErrorSummary errors={errorsOf(result, ["revoke-session", "revoke-others"])} />
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.id} className="session">
              <div className="session-device">
                <strong>{describeDevice(session.userAgent)}</strong>
                {session.current ? <span className="badge badge-success">This device</span> : null}
                {session.userAgent ? (
                  <span className="session-ua" title={session.userAgent}>
                    {truncate(session.userAgent, 90)}
                  </span>
                ) : null}
              </div>
              <dl className="session-meta">
                <div>
                  <dt>IP address</dt>
                  <dd>{session.ip ?? "unknown"}</dd>
                </div>
                <div>
                  <dt>Last seen</dt>
                  <dd>{formatDateTime(session.lastSeenAt)}</dd>
                </div>
                <div>
                  <dt>Logged in</dt>
                  <dd>{formatDateTime(session.createdAt)}</dd>
                </div>
              </dl>
              {session.current ? null : <RevokeSessionForm sessionId={session.id} onRevoked={setClientNotice} />}
            </li>
          ))}
        </ul>
        {others.length > 0 ? (
          <Form method="post" className="form-actions">
            <SubmitButton intent="revoke-others" className="button button-secondary" pendingLabel="Logging out…">
              Log out other sessions
            </SubmitButton>
          </Form>
        ) : (
          <p className="muted">You are not logged in anywhere else.</p>
        )}
      </section>
    </AppShell>
  );
}

/**
 * Revokes one session through the tRPC client, without a page transition; the form underneath is the
 * fallback that posts to this route's action when JavaScript is off.
 */
function RevokeSessionForm({ sessionId, onRevoked }: { sessionId: string; onRevoked: (message: string) => void }) {
  const revalidator = useRevalidator();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await trpc.auth.revokeSession.mutate({ sessionId });
      onRevoked("That session is logged out.");
      revalidator.revalidate();
    } catch (caught) {
      setError(caught instanceof TRPCClientError ? caught.message : "Could not log that session out. Try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form method="post" onSubmit={revoke} className="session-action">
      <input type="hidden" name="sessionId" value={sessionId} />
      <button
        type="submit"
        name="intent"
        value="revoke-session"
        className="button button-secondary button-small"
        aria-disabled={pending || undefined}
      >
        {pending ? "Logging out…" : "Log out this session"}
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
