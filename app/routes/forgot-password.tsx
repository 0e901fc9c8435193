import type { ActionFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData } from "@remix-run/react";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";

export const meta: MetaFunction = () => [{ title: pageTitle("Reset your password") }];

/** The answer is the same whether or not the address has an account, so the form cannot probe for accounts. */
export async function action({ request, context }: ActionFunctionArgs) {
  const email = text(await request.formData(), "email");
  try {
    await context.api.auth.requestPasswordReset({ email });
  } catch (error) {
    return actionError(error, { values: { email } });
  }
  return { sent: true as const, email: email.trim() };
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const errors = errorsOf(result);
  if (result && "sent" in result) {
    return (
      <AuthPage title="Check your inbox">
        <div role="status">
          <p>
            If an account exists for <strong>{result.email}</strong>, we sent it a link to choose a new password. The
            link works once and expires in 1 hour.
          </p>
        </div>
        <p className="muted">Nothing arrived? Check your spam folder, or try again in a few minutes.</p>
        <p>
          <Link to="/login">Back to log in</Link>
        </p>
      </AuthPage>
    );
  }
  return (
    <AuthPage title="Reset your password">
      <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
      <ErrorSummary errors={errors} labels={{ email: "Email" }} />
      <Form method="post" className="stack" noValidate>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          spellCheck={false}
          required
          defaultValue={result?.values.email}
          errors={errors?.fieldErrors.email}
        />
        <div className="form-actions">
          <SubmitButton pendingLabel="Sending…">Send reset link</SubmitButton>
          <Link to="/login">Back to log in</Link>
        </div>
      </Form>
    </AuthPage>
  );
}
