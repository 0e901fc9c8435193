import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { AuthPage } from "../components/shell";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";
import { formatMoney } from "../lib/money";
import "../styles/checkin.css";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data ? `Your ticket: ${data.event.title}` : "Your ticket") },
];

/** The holder's ticket with its QR code: one statement after the session (only the holder may read it). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    const pass = await context.api.checkin.getTicketPass({ workspaceId, ticketId: params.ticketId ?? "" });
    return { workspaceId, ...pass };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

/** Changes after purchase (ADR 032): give the ticket to someone else, or cancel the order within the policy. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const ticketId = params.ticketId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  // The confirmation box is required in the page; without it (no browser validation) nothing happens.
  if (form.get("confirm") !== "on") return { intent, formError: "Tick the box to confirm.", fieldErrors: {} };
  try {
    switch (intent) {
      case "transfer": {
        const email = text(form, "email");
        await context.api.events.transferTicket({ workspaceId, ticketId, email, name: text(form, "name") });
        // The ticket is no longer the giver's to read, so staying here would revalidate into "Ticket not found".
        throw redirect(withNotice(`/c/${workspaceId}/account`, "ticket-transferred"));
      }
      case "cancel-order": {
        const result = await context.api.events.cancelMyOrder({ workspaceId, orderId: text(form, "orderId") });
        return {
          intent,
          notice:
            result.refundDueCents > 0 ? "Order cancelled. The refund is on its way to your card." : "Order cancelled.",
        };
      }
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent });
  }
}

const TRANSFER_LABELS = { email: "Their email", name: "Their name" };

/** "Sat 1 Mar 2027, 19:00–21:00 (Europe/Berlin)": in the event's own zone, wherever the holder reads it. */
function eventTime(startsAt: Date, endsAt: Date, timeZone: string) {
  const day = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
  const time = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" });
  return `${day.format(startsAt)}, ${time.format(startsAt)}–${time.format(endsAt)} (${timeZone})`;
}

const STATUS_WORDS = {
  valid: "Valid",
  canceled: "Cancelled",
  refunded: "Refunded",
  transferred: "Transferred to someone else",
} as const;

export default function TicketPage() {
  const pass = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const transferErrors = errorsOf(result, "transfer");
  const cancelErrors = errorsOf(result, "cancel-order");
  const startsAt = new Date(pass.event.startsAt);
  const endsAt = new Date(pass.event.endsAt);
  return (
    <AuthPage title={pass.event.title} wide>
      <Notice message={noticeOf(result)} />
      <div className="ticket-pass">
        <dl className="ticket-facts">
          <dt>When</dt>
          <dd>{eventTime(startsAt, endsAt, pass.event.timeZone)}</dd>
          {pass.event.venue ? (
            <>
              <dt>Where</dt>
              <dd>{pass.event.venue}</dd>
            </>
          ) : null}
          <dt>Ticket</dt>
          <dd>{pass.ticket.typeName}</dd>
          <dt>Holder</dt>
          <dd>{pass.ticket.holderName}</dd>
          <dt>Status</dt>
          <dd>{pass.event.canceled ? "The event was cancelled" : STATUS_WORDS[pass.ticket.status]}</dd>
        </dl>
        {pass.qrSvg && pass.code ? (
          <figure className="ticket-qr">
            {/* The SVG is made by the Worker from the signed code alone (uqr), never from anything a person typed. */}
            <div
              className="ticket-qr-image"
              role="img"
              aria-label={`QR code of your ticket for ${pass.event.title}`}
              dangerouslySetInnerHTML={{ __html: pass.qrSvg }}
            />
            <figcaption>
              Show this code at the door. It works without a network; keep it to yourself, as anyone with a copy could
              use it first.
              <details>
                <summary>The code as text</summary>
                <code className="ticket-code">{pass.code}</code>
              </details>
            </figcaption>
          </figure>
        ) : (
          <p role="status">This ticket no longer admits anyone, so it has no code.</p>
        )}
        {pass.code ? (
          <section className="card no-print" aria-labelledby="transfer-heading">
            <h2 id="transfer-heading">Transfer to someone else</h2>
            <p>They get this seat and a new code by email; your code stops working.</p>
            <ErrorSummary errors={transferErrors} labels={TRANSFER_LABELS} idPrefix="transfer-" />
            <Form method="post" className="stack">
              <Field
                id="transfer-email"
                name="email"
                type="email"
                label="Their email"
                required
                errors={transferErrors?.fieldErrors.email}
              />
              <Field
                id="transfer-name"
                name="name"
                label="Their name"
                required
                errors={transferErrors?.fieldErrors.name}
              />
              <label className="inline-check">
                <input type="checkbox" name="confirm" required /> I want to give this ticket away; I cannot undo this.
              </label>
              <SubmitButton intent="transfer" pendingLabel="Transferring…">
                Transfer ticket
              </SubmitButton>
            </Form>
          </section>
        ) : null}
        {pass.cancellation ? (
          <section className="card no-print" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel my order</h2>
            <p>
              Every ticket of this order ends.{" "}
              {pass.cancellation.refundCents > 0
                ? `${formatMoney(pass.cancellation.refundCents, pass.cancellation.currency)} will be refunded to the card you paid with.`
                : "Nothing was paid, so there is nothing to refund."}{" "}
              Possible until {formatDateTime(new Date(pass.cancellation.until))}.
            </p>
            <ErrorSummary errors={cancelErrors} />
            <Form method="post" className="stack">
              <input type="hidden" name="orderId" value={pass.cancellation.orderId} />
              <label className="inline-check">
                <input type="checkbox" name="confirm" required /> Yes, cancel the whole order.
              </label>
              <SubmitButton intent="cancel-order" pendingLabel="Cancelling…" className="button button-danger">
                Cancel my order
              </SubmitButton>
            </Form>
          </section>
        ) : null}
        <p className="no-print">
          <button type="button" className="button button-secondary" onClick={() => window.print()}>
            Print this ticket
          </button>{" "}
          <Link to={`/c/${pass.workspaceId}`}>{pass.workspaceName}</Link>
        </p>
      </div>
    </AuthPage>
  );
}
