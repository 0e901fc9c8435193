import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { requireUser } from "../lib/auth.server";
import { isProcedureError } from "../lib/errors.server";
import { withNotice } from "../lib/notices";
import { safeRedirect } from "../lib/redirect";

export const loader = () => redirect("/app");

/** Posted by the banner's "Resend email" button on any page; goes back to that page with a notice. */
export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const back = safeRedirect((await request.formData()).get("redirectTo"));
  try {
    const { sent } = await context.api.auth.resendVerification();
    return redirect(withNotice(back, sent ? "verification-sent" : "email-verified"));
  } catch (error) {
    if (isProcedureError(error) && error.code === "TOO_MANY_REQUESTS")
      return redirect(withNotice(back, "verification-limited"));
    throw error;
  }
}
