import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { AuthPage } from "../components/shell";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { pageTitle } from "../lib/meta";
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
  const startsAt = new Date(pass.event.startsAt);
  const endsAt = new Date(pass.event.endsAt);
  return (
    <AuthPage title={pass.event.title} wide>
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
