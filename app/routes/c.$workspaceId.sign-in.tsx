import type { ActionFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useParams, useSearchParams } from "@remix-run/react";
import { ErrorSummary, SubmitButton } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";

export const meta: MetaFunction = () => [{ title: pageTitle("Sign in and join") }];

/**
 * The emailed link lands here. Opening it changes nothing: mail scanners fetch links, and a single-use link
 * consumed by a scanner would fail the person. The button posts the token.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  try {
    await context.api.audience.signInWithLink({
      workspaceId,
      token: text(form, "token"),
      tierId: text(form, "tier") || null,
    });
  } catch (error) {
    return actionError(error);
  }
  throw redirect(withNotice(`/c/${workspaceId}/account`, "audience-joined"));
}

export default function SignInWithLink() {
  const [searchParams] = useSearchParams();
  const { workspaceId } = useParams();
  const result = useActionData<typeof action>();
  const token = searchParams.get("token") ?? "";
  return (
    <AuthPage title="Sign in and join">
      <ErrorSummary errors={errorsOf(result)} />
      {token ? (
        <Form method="post" className="stack">
          <input type="hidden" name="token" value={token} />
          {searchParams.get("tier") ? <input type="hidden" name="tier" value={searchParams.get("tier") ?? ""} /> : null}
          <p>Continue to sign in. You join this creator&apos;s audience for free.</p>
          <SubmitButton pendingLabel="Signing in…">Sign in and join</SubmitButton>
        </Form>
      ) : (
        <p>This link is incomplete. Copy the whole link from the email, or ask for a new one.</p>
      )}
      <p className="auth-alt">
        <Link to={`/c/${workspaceId}`}>Ask for a new link</Link>
      </p>
    </AuthPage>
  );
}
