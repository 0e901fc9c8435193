import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { AuthPage } from "../components/shell";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { formatDate } from "../lib/format";
import { formatMoney } from "../lib/money";
import { pageTitle } from "../lib/meta";
import { SUPPORTER_SANDBOX_CONTROLS } from "../../server/services/payments/sandbox-controls";

export const meta: MetaFunction = () => [{ title: pageTitle("Sandbox subscriptions") }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    return { workspaceId, ...(await context.api.payments.sandboxListOwnSubscriptions({ workspaceId })) };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    const control = SUPPORTER_SANDBOX_CONTROLS.find((c) => c === intent);
    if (!control) throw new Response("Unknown subscription action.", { status: 400 });
    const result = await context.api.payments.sandboxControlOwnSubscription({
      workspaceId: params.workspaceId ?? "",
      subscriptionId: text(form, "subscriptionId"),
      control,
    });
    return {
      notice:
        result.status === "canceled"
          ? "Your subscription has ended."
          : result.cancelAtPeriodEnd
            ? "Your subscription ends at the end of this period."
            : "Your subscription renews again.",
    };
  } catch (error) {
    return actionError(error, { intent });
  }
}

export default function SandboxPortal() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <AuthPage title="Your subscriptions — sandbox, no real money">
      <p className="callout" role="note">
        <strong>Sandbox.</strong> Payments on this Greenroom are simulated; nothing here charges or refunds a card.
      </p>
      <Notice message={noticeOf(result)} />
      <ErrorSummary errors={errorsOf(result)} />
      {data.items.length === 0 ? (
        <p className="muted">You have no subscriptions with {data.workspaceName ?? "this creator"}.</p>
      ) : (
        <ul className="stack-list">
          {data.items.map((s) => (
            <li key={s.id}>
              <p>
                <strong>{s.tierName}</strong> — {formatMoney(s.amountCents, s.currency)} / {s.interval}.{" "}
                {s.status === "canceled"
                  ? "Ended."
                  : s.cancelAtPeriodEnd
                    ? `Ends on ${formatDate(s.currentPeriodEnd)}.`
                    : `Renews on ${formatDate(s.currentPeriodEnd)}.`}
              </p>
              {s.status === "canceled" ? null : (
                <Form method="post" className="form-actions">
                  <input type="hidden" name="subscriptionId" value={s.id} />
                  {s.cancelAtPeriodEnd ? (
                    <SubmitButton intent="resume" className="button button-secondary">
                      Keep my subscription
                    </SubmitButton>
                  ) : (
                    <SubmitButton intent="cancel_at_period_end" className="button button-secondary">
                      Cancel at the end of the period
                    </SubmitButton>
                  )}
                  <SubmitButton intent="cancel_now" className="button button-secondary">
                    Cancel now
                  </SubmitButton>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={`/c/${data.workspaceId}/account`}>Back to your account</a>
      </p>
    </AuthPage>
  );
}
