import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, SubmitButton } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "../lib/roles";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data ? `Join ${data.invitation.workspaceName}` : "Invitation") },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  try {
    const invitation = await context.api.workspaces.previewInvitation({ token });
    return { token, invitation, user: context.auth?.user ?? null };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (!context.auth) throw redirect(`/login?${new URLSearchParams({ redirectTo: new URL(request.url).pathname })}`);
  let workspaceId: string;
  try {
    ({ workspaceId } = await context.api.workspaces.acceptInvitation({ token: params.token ?? "" }));
  } catch (error) {
    return actionError(error);
  }
  throw redirect(withNotice(`/w/${workspaceId}`, "invitation-accepted"));
}

export default function Invitation() {
  const { token, invitation, user } = useLoaderData<typeof loader>();
  const errors = errorsOf(useActionData<typeof action>());
  const here = `/invite/${token}`;
  const wrongAccount = user !== null && user.email.toLowerCase() !== invitation.email.toLowerCase();
  return (
    <AuthPage title={`Join ${invitation.workspaceName}`}>
      <p className="lead">
        {invitation.inviterName ?? "A member"} invited <strong>{invitation.email}</strong> to the workspace{" "}
        <strong>{invitation.workspaceName}</strong>.
      </p>
      <dl className="summary-list">
        <div>
          <dt>Role</dt>
          <dd>
            {ROLE_LABELS[invitation.role]} <span className="muted">— {ROLE_DESCRIPTIONS[invitation.role]}</span>
          </dd>
        </div>
      </dl>
      <ErrorSummary errors={errors} />
      {user === null ? (
        <>
          <p>Log in or create an account with {invitation.email} to accept.</p>
          <p className="actions">
            <Link
              className="button"
              to={`/login?${new URLSearchParams({ redirectTo: here, email: invitation.email })}`}
            >
              Log in to accept
            </Link>
            <Link
              className="button button-secondary"
              to={`/signup?${new URLSearchParams({ redirectTo: here, email: invitation.email })}`}
            >
              Create an account
            </Link>
          </p>
        </>
      ) : wrongAccount ? (
        <>
          <p className="callout">
            This invitation was sent to {invitation.email}. You are logged in as {user.email}. Log in with that address
            to accept it.
          </p>
          <Form method="post" action="/logout">
            <input type="hidden" name="redirectTo" value={here} />
            <SubmitButton className="button button-secondary">Log out and switch account</SubmitButton>
          </Form>
        </>
      ) : (
        <Form method="post" className="form-actions">
          <SubmitButton pendingLabel="Joining…">Accept and join</SubmitButton>
          <Link to="/app">Not now</Link>
        </Form>
      )}
    </AuthPage>
  );
}
