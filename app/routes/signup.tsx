import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { ErrorSummary, Field, SubmitButton, useClearPasswordsOn } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";
import { safeRedirect } from "../lib/redirect";

export const meta: MetaFunction = () => [{ title: pageTitle("Create your account") }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (context.auth) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = { name: text(form, "name"), email: text(form, "email") };
  const redirectTo = safeRedirect(form.get("redirectTo"), "");
  // Arriving from an invitation's page: the account joins that workspace instead of getting one of its own.
  const invitationToken = /^\/invite\/([^/?#]+)$/.exec(redirectTo)?.[1] ?? null;
  let created: { workspaceId: string; joinedByInvitation: boolean };
  try {
    created = await context.api.auth.signUp({ ...values, password: text(form, "password"), invitationToken });
  } catch (error) {
    return actionError(error, { values });
  }
  if (created.joinedByInvitation) throw redirect(withNotice(`/w/${created.workspaceId}`, "invitation-accepted"));
  throw redirect(redirectTo || `/w/${created.workspaceId}`);
}

const LABELS = { name: "Your name", email: "Email", password: "Password" };

export default function SignUp() {
  const result = useActionData<typeof action>();
  const errors = errorsOf(result);
  const formRef = useClearPasswordsOn(result);
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo");
  const loginHref = redirectTo ? `/login?${new URLSearchParams({ redirectTo })}` : "/login";
  return (
    <AuthPage title="Create your account">
      <p className="lead">One account for your shows, your team and your audience.</p>
      <ErrorSummary errors={errors} labels={LABELS} />
      <Form ref={formRef} method="post" className="stack" noValidate>
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <Field
          label={LABELS.name}
          name="name"
          autoComplete="name"
          required
          defaultValue={result?.values.name}
          errors={errors?.fieldErrors.name}
        />
        <Field
          label={LABELS.email}
          name="email"
          type="email"
          autoComplete="email"
          spellCheck={false}
          required
          defaultValue={result?.values.email ?? searchParams.get("email") ?? undefined}
          errors={errors?.fieldErrors.email}
        />
        <Field
          label={LABELS.password}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          errors={errors?.fieldErrors.password}
        />
        <SubmitButton pendingLabel="Creating your account…">Create account</SubmitButton>
      </Form>
      <p className="auth-alt">
        Already have an account? <Link to={loginHref}>Log in</Link>
      </p>
    </AuthPage>
  );
}
