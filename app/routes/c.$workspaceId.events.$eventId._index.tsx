import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { PublicErrorPage } from "../components/error-page";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { shareMeta, summaryOf } from "../components/public-podcast";
import { BrandLink } from "../components/shell";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { EVENT_KIND_LABELS, formatEventTime } from "../lib/event-time";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { formatMoney } from "../lib/money";
import podcastStyles from "../styles/podcasts.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: podcastStyles }];

/** Availability and the viewer's own tickets change by the second and by person: never stored anywhere. */
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

/** Open Graph tags carry the title, time and a gated event's teaser only. */
export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Event not found" }];
  const { event, workspace } = data;
  const description = summaryOf(
    event.description || `${formatEventTime(event.startsAt, event.timeZone)} · ${workspace.name}`,
  );
  return [
    { title: `${event.title} · ${workspace.name}` },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: event.pageUrl },
    ...shareMeta({
      type: "website",
      title: event.title,
      description,
      url: event.pageUrl,
      siteName: workspace.name,
      imageUrl: event.coverUrl,
      imageAlt: "",
    }),
  ];
};

/** One procedure: the event, its types, the viewer and their tickets in one batch (1 wave anonymous, 2 signed in). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    const page = await context.api.events.getPublic({
      workspaceId: params.workspaceId ?? "",
      eventId: params.eventId ?? "",
    });
    const returned = new URL(request.url).searchParams.has("order");
    return data({ ...page, returned }, { headers: { "cache-control": "private, no-store" } });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

/** RSVP or buy (paid: reserve, then the provider's checkout carrying the hold), or join a sold-out type's waitlist. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const workspaceId = params.workspaceId ?? "";
  const eventId = params.eventId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    switch (intent) {
      case "reserve": {
        const lines = [...form.keys()]
          .filter((key) => key.startsWith("qty-"))
          .map((key) => ({ ticketTypeId: key.slice(4), quantity: Number(text(form, key) || "0") }))
          .filter((line) => line.quantity > 0);
        const reserved = await context.api.events.reserve({
          workspaceId,
          eventId,
          lines: lines.length > 0 ? lines : [{ ticketTypeId: text(form, "ticketTypeId"), quantity: 1 }],
          promoCode: text(form, "promoCode") || null,
        });
        if (reserved.status === "issued")
          return {
            intent,
            notice: `You're in: ${reserved.ticketIds.length === 1 ? "your ticket is" : "your tickets are"} below and in your account.`,
          };
        // The grant follows from the provider's events (the sandbox offline), never from this redirect.
        const checkout = await context.api.events.startCheckout({ workspaceId, orderId: reserved.orderId });
        throw redirect(checkout.url);
      }
      case "waitlist":
        await context.api.events.joinWaitlist({
          workspaceId,
          eventId,
          ticketTypeId: text(form, "ticketTypeId"),
          quantity: Number(text(form, "quantity") || "1"),
        });
        return { intent, notice: "You're on the waitlist: we'll email you when a seat is yours to take." };
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent });
  }
}

const CALLS: Record<"sign_in" | "join" | "upgrade" | "blocked", string> = {
  sign_in: "This event is for members. Sign in or join to get a ticket.",
  join: "This event is for members. Join to get a ticket.",
  upgrade: "This event is for a membership you do not have yet.",
  blocked: "You cannot come to this creator's members-only events.",
};

export default function PublicEvent() {
  const page = useLoaderData<typeof loader>();
  const { event, workspace, access, ticketTypes } = page;
  const result = useActionData<typeof action>();
  const base = `/c/${workspace.id}`;
  const open = ticketTypes.filter((type) => type.sales === "open");
  const soldOut = ticketTypes.filter((type) => type.sales === "sold_out");
  const free = open.every((type) => type.yourPriceCents === 0);
  return (
    <div className="public-shell">
      <header className="public-header">
        <a href={workspace.homeUrl} className="public-show">
          <span className="public-show-title">{workspace.name}</span>
        </a>
      </header>
      <main id="main" tabIndex={-1} className="public-main">
        <article className="event-article">
          {event.coverUrl ? <img src={event.coverUrl} alt="" className="event-cover" width={960} /> : null}
          <h1>{event.title}</h1>
          <p>
            {formatEventTime(event.startsAt, event.timeZone)} to {formatEventTime(event.endsAt, event.timeZone)} ·{" "}
            {EVENT_KIND_LABELS[event.kind]}
            {event.venue ? ` · ${event.venue}` : ""}
          </p>
          {event.status === "canceled" ? <p className="notice">This event has been canceled.</p> : null}
          {event.joinUrl ? (
            <p>
              Join online: <a href={event.joinUrl}>{event.joinUrl}</a>
            </p>
          ) : null}
          {event.description ? <p className="event-description">{event.description}</p> : null}
          <Notice message={noticeOf(result)} />
          {page.returned ? (
            <p className="notice" role="status">
              Thank you. Your tickets appear here and in your account as soon as the payment is confirmed.
            </p>
          ) : null}
          {page.yourTicketIds.length > 0 ? (
            <section aria-labelledby="your-event-tickets">
              <h2 id="your-event-tickets">Your tickets</h2>
              <ul>
                {page.yourTicketIds.map((id, index) => (
                  <li key={id}>
                    <a href={`${base}/tickets/${id}`}>Ticket {index + 1}</a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {!access.allowed ? (
            <aside className="card paywall" aria-labelledby="paywall-heading" data-reason={access.reason}>
              <h2 id="paywall-heading">{CALLS[access.reason]}</h2>
              {access.reason === "sign_in" ? (
                <p className="button-row">
                  <a className="button" href={access.signInUrl}>
                    Sign in
                  </a>
                  <a className="button button-secondary" href={access.joinUrl}>
                    Join
                  </a>
                </p>
              ) : access.reason === "blocked" ? null : (
                <p>
                  <a className="button" href={workspace.homeUrl}>
                    See the memberships
                  </a>
                </p>
              )}
            </aside>
          ) : ticketTypes.length === 0 ? null : (
            <section className="card" aria-labelledby="tickets-heading">
              <h2 id="tickets-heading">Tickets</h2>
              {!page.signedIn ? (
                <p className="button-row">
                  <a className="button" href={`${base}/sign-in`}>
                    Sign in to get tickets
                  </a>
                  <a className="button button-secondary" href={`${base}/join`}>
                    Join
                  </a>
                </p>
              ) : null}
              <Form method="post" className="stack" noValidate>
                <ErrorSummary
                  errors={errorsOf(result, "reserve")}
                  labels={{ quantity: "Tickets", promoCode: "Promo code" }}
                  idPrefix="buy-"
                />
                <ul className="stack">
                  {ticketTypes.map((type) => (
                    <li key={type.id}>
                      <h3>{type.name}</h3>
                      <p>
                        {type.yourPriceCents === 0 ? "Free" : formatMoney(type.yourPriceCents, type.currency)}
                        {type.yourPriceCents < type.priceCents
                          ? ` (member price; ${formatMoney(type.priceCents, type.currency)} for others)`
                          : ""}
                        {type.sales === "sold_out"
                          ? " · Sold out"
                          : type.sales === "not_started"
                            ? " · Not on sale yet"
                            : type.sales === "ended"
                              ? " · Sales ended"
                              : type.remaining !== null && type.remaining <= 10
                                ? ` · ${type.remaining} left`
                                : ""}
                      </p>
                      {type.description ? <p className="cell-sub">{type.description}</p> : null}
                      {type.sales === "open" && page.signedIn ? (
                        <Field
                          id={`qty-${type.id}`}
                          name={`qty-${type.id}`}
                          type="number"
                          min={0}
                          max={type.maxPerOrder}
                          label={`How many ${type.name}`}
                          defaultValue={open.length === 1 ? 1 : 0}
                        />
                      ) : null}
                    </li>
                  ))}
                </ul>
                {open.length > 0 && page.signedIn ? (
                  <>
                    {free ? null : (
                      <Field
                        id="buy-promoCode"
                        name="promoCode"
                        label="Promo code"
                        maxLength={40}
                        errors={errorsOf(result, "reserve")?.fieldErrors.promoCode}
                      />
                    )}
                    <div className="form-actions">
                      <SubmitButton intent="reserve" pendingLabel={free ? "Saving…" : "Opening checkout…"}>
                        {free ? "RSVP" : "Buy tickets"}
                      </SubmitButton>
                    </div>
                  </>
                ) : null}
              </Form>
              {page.signedIn
                ? soldOut.map((type) =>
                    type.onWaitlist ? (
                      <p key={type.id}>You are on the waitlist for {type.name}.</p>
                    ) : !type.waitlist ? (
                      <p key={type.id}>
                        The seats of {type.name} are all taken by your own tickets, so there is no waitlist to join.
                      </p>
                    ) : (
                      <Form key={type.id} method="post" className="stack">
                        <ErrorSummary
                          errors={errorsOf(result, "waitlist")}
                          labels={{ quantity: "Tickets" }}
                          idPrefix={`wait-${type.id}-`}
                        />
                        <input type="hidden" name="ticketTypeId" value={type.id} />
                        <Field
                          id={`wait-${type.id}-quantity`}
                          name="quantity"
                          type="number"
                          min={1}
                          max={10}
                          label={`Seats you want for ${type.name}`}
                          defaultValue={1}
                        />
                        <SubmitButton intent="waitlist" className="button button-secondary" pendingLabel="Joining…">
                          Join the waitlist for {type.name}
                        </SubmitButton>
                      </Form>
                    ),
                  )
                : null}
            </section>
          )}
        </article>
      </main>
      <footer className="public-footer">
        <BrandLink to="/" />
      </footer>
    </div>
  );
}

export function ErrorBoundary() {
  return <PublicErrorPage />;
}
