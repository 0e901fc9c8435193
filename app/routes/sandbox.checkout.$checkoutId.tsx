import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, SubmitButton } from "../components/form";
import { AuthPage } from "../components/shell";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { formatDateTime } from "../lib/format";
import { formatMoney } from "../lib/money";
import { pageTitle } from "../lib/meta";
import { ownValue } from "../../server/lib/records";

export const meta: MetaFunction = () => [{ title: pageTitle("Sandbox payment") }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return await context.api.payments.sandboxGetCheckout({ checkoutId: params.checkoutId ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

/** Pay or decline are plain POST forms; both end with a redirect to where the checkout's creator said. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const intent = text(form, "intent");
  const checkoutId = params.checkoutId ?? "";
  try {
    if (intent === "pay")
      throw redirect((await context.api.payments.sandboxConfirmCheckout({ checkoutId })).redirectTo);
    if (intent === "decline")
      throw redirect((await context.api.payments.sandboxDeclineCheckout({ checkoutId })).redirectTo);
    throw new Response("Unknown checkout action.", { status: 400 });
  } catch (error) {
    return actionError(error, { intent });
  }
}

const CLOSED: Record<string, string> = {
  completed: "This checkout is already paid.",
  declined: "This checkout was declined.",
  expired: "This checkout has expired. Start again from the creator's page.",
};

export default function SandboxCheckout() {
  const checkout = useLoaderData<typeof loader>();
  const errors = errorsOf(useActionData<typeof action>());
  const per = checkout.interval === "month" ? " / month" : checkout.interval === "year" ? " / year" : "";
  return (
    <AuthPage title="Sandbox payment — no real money">
      <p className="callout" role="note">
        <strong>Sandbox.</strong> Payments on this Greenroom are simulated: no card is asked for and no money moves.
        Confirming gives the same access a real payment would.
      </p>
      <dl className="summary-list">
        <div>
          <dt>To</dt>
          <dd>{checkout.workspaceName}</dd>
        </div>
        <div>
          <dt>For</dt>
          <dd>{checkout.description}</dd>
        </div>
        <div>
          <dt>Amount</dt>
          <dd>
            {formatMoney(checkout.amountCents, checkout.currency)}
            {per}
            {checkout.trialDays > 0 ? ` after a ${checkout.trialDays}-day free trial` : ""}
          </dd>
        </div>
        <div>
          <dt>Offer holds until</dt>
          <dd>{formatDateTime(checkout.expiresAt)}</dd>
        </div>
      </dl>
      <ErrorSummary errors={errors} />
      {checkout.status === "open" ? (
        <Form method="post" className="form-actions">
          <SubmitButton intent="pay" pendingLabel="Paying…">
            Pay {formatMoney(checkout.amountCents, checkout.currency)} (sandbox)
          </SubmitButton>
          <SubmitButton intent="decline" pendingLabel="Declining…" className="button button-secondary">
            Decline
          </SubmitButton>
        </Form>
      ) : (
        <p className="callout">{ownValue(CLOSED, checkout.status) ?? checkout.status}</p>
      )}
    </AuthPage>
  );
}
