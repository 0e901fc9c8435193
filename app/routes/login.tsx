import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { ErrorSummary, Field, SubmitButton, useClearPasswordsOn } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { safeRedirect } from "../lib/redirect";

export const meta: MetaFunction = () => [{ title: pageTitle("Log in") }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (context.auth) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = { email: text(form, "email") };
  try {
    await context.api.auth.logIn({ ...values, password: text(form, "password") });
  } catch (error) {
    return actionError(error, { values });
  }
  throw redirect(safeRedirect(form.get("redirectTo")));
}

const LABELS = { email: "Email", password: "Password" };

export default function LogIn() {
  const result = useActionData<typeof action>();
  const errors = errorsOf(result);
  const formRef = useClearPasswordsOn(result);
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo");
  const signupHref = redirectTo ? `/signup?${new URLSearchParams({ redirectTo })}` : "/signup";
  return (
    <AuthPage title="Log in to Greenroom">
      <ErrorSummary errors={errors} labels={LABELS} />
      <Form ref={formRef} method="post" className="stack" noValidate>
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <Field
          label={LABELS.email}
          name="email"
          type="email"
          autoComplete="username"
          spellCheck={false}
          required
          defaultValue={result?.values.email ?? searchParams.get("email") ?? undefined}
          errors={errors?.fieldErrors.email}
        />
        <Field
          label={LABELS.password}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          errors={errors?.fieldErrors.password}
        />
        <div className="form-actions">
          <SubmitButton pendingLabel="Logging in…">Log in</SubmitButton>
          <Link to="/forgot-password">Forgot your password?</Link>
        </div>
      </Form>
      <p className="auth-alt">
        New to Greenroom? <Link to={signupHref}>Create an account</Link>
      </p>
    </AuthPage>
  );
}
