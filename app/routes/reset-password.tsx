import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, SubmitButton, useClearPasswordsOn } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";

export const meta: MetaFunction = () => [{ title: pageTitle("Choose a new password") }];

export async function loader({ request }: LoaderFunctionArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  try {
    await context.api.auth.resetPassword({ token: text(form, "token"), password: text(form, "password") });
  } catch (error) {
    return actionError(error);
  }
  throw redirect(withNotice("/app", "password-reset"));
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = errorsOf(result);
  const formRef = useClearPasswordsOn(result);
  if (!token) {
    return (
      <AuthPage title="Choose a new password">
        <p>This link is missing its reset code. Open the link from the email again, or ask for a new one.</p>
        <p>
          <Link className="button" to="/forgot-password">
            Ask for a new link
          </Link>
        </p>
      </AuthPage>
    );
  }
  return (
    <AuthPage title="Choose a new password">
      <ErrorSummary errors={errors} labels={{ password: "New password" }} />
      {errors && !errors.fieldErrors.password ? (
        <p>
          <Link to="/forgot-password">Ask for a new reset link</Link>
        </p>
      ) : null}
      <Form ref={formRef} method="post" className="stack" noValidate>
        <input type="hidden" name="token" value={token} />
        <Field
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          errors={errors?.fieldErrors.password}
        />
        <p className="muted">Saving it logs you out everywhere else.</p>
        <SubmitButton pendingLabel="Saving…">Save new password</SubmitButton>
      </Form>
    </AuthPage>
  );
}
