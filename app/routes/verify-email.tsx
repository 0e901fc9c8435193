import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, SubmitButton } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";

export const meta: MetaFunction = () => [{ title: pageTitle("Confirm your email") }];

/** Shows a button rather than verifying on GET: mail scanners that open links must not use up the token. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "", loggedIn: context.auth !== null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  try {
    await context.api.auth.verifyEmail({ token: text(form, "token") });
  } catch (error) {
    return actionError(error);
  }
  throw redirect(withNotice(context.auth ? "/app" : "/login", "email-verified"));
}

export default function VerifyEmail() {
  const { token, loggedIn } = useLoaderData<typeof loader>();
  const errors = errorsOf(useActionData<typeof action>());
  if (!token) {
    return (
      <AuthPage title="Confirm your email">
        <p>
          This link is missing its confirmation code. Open the link from the email again, or copy the whole address into
          your browser.
        </p>
        <p>
          <Link to={loggedIn ? "/app" : "/login"}>{loggedIn ? "Go to your dashboard" : "Log in"}</Link>
        </p>
      </AuthPage>
    );
  }
  return (
    <AuthPage title="Confirm your email">
      <ErrorSummary errors={errors} />
      {errors ? (
        <p>
          {loggedIn ? (
            <>
              You can ask for a new link from the banner on your <Link to="/app">dashboard</Link>.
            </>
          ) : (
            <>
              <Link to="/login">Log in</Link> to ask for a new link.
            </>
          )}
        </p>
      ) : (
        <>
          <p>Confirm that this email address belongs to you to finish setting up your account.</p>
          <Form method="post">
            <input type="hidden" name="token" value={token} />
            <SubmitButton pendingLabel="Confirming…">Confirm my email</SubmitButton>
          </Form>
        </>
      )}
    </AuthPage>
  );
}
