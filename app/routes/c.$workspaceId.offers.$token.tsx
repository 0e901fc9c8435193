import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary } from "../components/form";
import { AuthPage } from "../components/shell";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";

export const meta: MetaFunction = () => [
  { title: pageTitle("Your waitlist offer") },
  { name: "robots", content: "noindex" },
];

/**
 * The waitlist offer email's link (ADR 032): the person it was made to, signed in, accepts (a free seat becomes a
 * ticket, a paid one goes to checkout with the held seat) or declines (the seat goes to the next person). One
 * round trip (the session and the offer, ADR 016). The token is only ever compared as a hash.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    return await context.api.events.getOffer({ workspaceId: params.workspaceId ?? "", token: params.token ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = text(form, "intent") === "decline" ? "decline" : "accept";
  const input = { workspaceId: params.workspaceId ?? "", token: params.token ?? "" };
  try {
    if (intent === "decline") {
      await context.api.events.declineOffer(input);
      return { intent, notice: "Declined: the seat goes to the next person on the waitlist." };
    }
    const result = await context.api.events.acceptOffer(input);
    if (result.kind === "checkout") throw redirect(result.url);
    return { intent, notice: "Your ticket is issued: it is in your account and on its way by email." };
  } catch (error) {
    return actionError(error, { intent });
  }
}

export default function Offer() {
  const offer = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = errorsOf(result, "accept") ?? errorsOf(result, "decline");
  const seats = offer.quantity === 1 ? "a seat" : `${offer.quantity} seats`;
  return (
    <AuthPage title={offer.eventTitle}>
      {result && "notice" in result ? (
        <p className="callout" role="status">
          {result.notice}
        </p>
      ) : offer.state === "open" ? (
        <>
          <p className="lead">
            {seats} ({offer.ticketTypeName}) {offer.quantity === 1 ? "is" : "are"} held for you until{" "}
            {offer.expiresAt?.toUTCString()}.
          </p>
          <ErrorSummary errors={errors} />
          <Form method="post" className="form-actions">
            <button type="submit" className="button" name="intent" value="accept">
              {offer.unitPriceCents > 0 ? "Accept and pay" : "Accept"}
            </button>
            <button type="submit" className="button button-secondary" name="intent" value="decline">
              Decline
            </button>
          </Form>
        </>
      ) : (
        <p className="lead">
          {offer.state === "accepted"
            ? "You accepted this offer."
            : offer.state === "declined"
              ? "You declined this offer; the seat went to the next person."
              : "This offer expired and the seat went to the next person on the waitlist."}
        </p>
      )}
    </AuthPage>
  );
}
