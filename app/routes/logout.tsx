import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useSearchParams } from "@remix-run/react";
import { SubmitButton } from "../components/form";
import { AuthPage } from "../components/shell";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";
import { safeRedirect } from "../lib/redirect";

export const meta: MetaFunction = () => [{ title: pageTitle("Log out") }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.auth) throw redirect("/login");
  return null;
}

/** Logging out changes state, so it is POST only: a link or prefetch cannot log anyone out. */
export async function action({ request, context }: ActionFunctionArgs) {
  await context.api.auth.logOut();
  const redirectTo = (await request.formData()).get("redirectTo");
  const login = redirectTo ? `/login?${new URLSearchParams({ redirectTo: safeRedirect(redirectTo) })}` : "/login";
  throw redirect(withNotice(login, "logged-out"));
}

export default function LogOut() {
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo");
  return (
    <AuthPage title="Log out?">
      <p>You will need your password to log in again on this device.</p>
      <Form method="post" className="form-actions">
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <SubmitButton pendingLabel="Logging out…">Log out</SubmitButton>
        <Link to="/app">Cancel</Link>
      </Form>
    </AuthPage>
  );
}
