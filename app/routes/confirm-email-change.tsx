import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, SubmitButton } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";

export const meta: MetaFunction = () => [{ title: pageTitle("Confirm your new email") }];

/** A button rather than changing on GET: mail scanners that open links must not use up the token. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "", loggedIn: context.auth !== null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  try {
    await context.api.auth.confirmEmailChange({ token: text(form, "token") });
  } catch (error) {
    return actionError(error);
  }
  throw redirect(withNotice(context.auth ? "/account" : "/login", "email-changed"));
}

export default function ConfirmEmailChange() {
  const { token, loggedIn } = useLoaderData<typeof loader>();
  const errors = errorsOf(useActionData<typeof action>());
  const home = loggedIn ? { to: "/account", label: "Go to your account" } : { to: "/login", label: "Log in" };
  if (!token) {
    return (
      <AuthPage title="Confirm your new email">
        <p>
          This link is missing its confirmation code. Open the link from the email again, or copy the whole address into
          your browser.
        </p>
        <p>
          <Link to={home.to}>{home.label}</Link>
        </p>
      </AuthPage>
    );
  }
  return (
    <AuthPage title="Confirm your new email">
      <ErrorSummary errors={errors} />
      {errors ? (
        <p>
          You can ask for a new link on your account page. <Link to={home.to}>{home.label}</Link>
        </p>
      ) : (
        <>
          <p>Use this address for your Greenroom account from now on. Your previous address will be told.</p>
          <Form method="post">
            <input type="hidden" name="token" value={token} />
            <SubmitButton pendingLabel="Confirming…">Confirm new email</SubmitButton>
          </Form>
        </>
      )}
    </AuthPage>
  );
}
