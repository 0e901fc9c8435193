import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { BarChart } from "../components/charts";
import { EventFields, eventFieldsFrom } from "../components/event-form";
import { CheckboxGroup, ErrorSummary, Field, SelectField, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { eventLocalValue, formatEventTime } from "../lib/event-time";
import { formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { formatMoney, parseCents } from "../lib/money";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/analytics.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data?.event.title ?? "Event", workspaceNameFrom(matches)) },
];

/**
 * The event, its dashboard, a page of attendees, its cancellation's refunds and the form's choices: five reads in one
 * wave after the session.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const eventId = params.eventId ?? "";
  const url = new URL(request.url);
  const search = url.searchParams.get("q") ?? "";
  const page = Math.max(1, Math.min(10_000, Number(url.searchParams.get("page")) || 1));
  try {
    const [detail, dashboard, attendees, cancellation, choices, shows, audio] = await Promise.all([
      context.api.events.get({ workspaceId, eventId }),
      context.api.events.getDashboard({ workspaceId, eventId }),
      context.api.events.listAttendees({ workspaceId, eventId, search, page }),
      context.api.events.getCancellation({ workspaceId, eventId }),
      context.api.posts.listEmbedChoices({ workspaceId }),
      // The recording form's choices (ADR 034), read beside the rest so the page stays one wave.
      context.api.podcasts.listShows({ workspaceId, limit: 100 }),
      context.api.podcasts.listMediaChoices({ workspaceId, kind: "audio" }),
    ]);
    return {
      ...detail,
      dashboard,
      attendees,
      cancellation,
      search,
      images: choices.images,
      tiers: choices.tiers,
      recordingChoices: { shows: shows.items.map((show) => ({ id: show.id, title: show.title })), audio },
      ended: new Date(detail.event.endsAt).getTime() <= Date.now(),
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

function ticketTypeFields(form: FormData) {
  const quantity = text(form, "quantity");
  const memberPrice = text(form, "memberPrice");
  return {
    name: text(form, "name"),
    description: text(form, "description"),
    priceCents: parseCents(text(form, "price")) ?? 0,
    currency: (text(form, "currency") || "usd") as "usd" | "eur" | "gbp" | "cad" | "aud",
    quantity: quantity ? Number(quantity) : null,
    maxPerOrder: Number(text(form, "maxPerOrder") || "10"),
    memberTierIds: form.getAll("memberTierIds").map(String),
    memberPriceCents: memberPrice ? parseCents(memberPrice) : null,
    earlyAccessTierIds: form.getAll("earlyAccessTierIds").map(String),
    earlyAccessStartAt: text(form, "earlyAccessStartAt") || null,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const eventId = params.eventId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const api = context.api.events;
  try {
    switch (intent) {
      case "update":
        await api.update({ workspaceId, eventId, ...eventFieldsFrom(form) });
        return { intent, notice: "Event saved." };
      case "publish":
        await api.publish({ workspaceId, eventId });
        return { intent, notice: "Published: the event is on your public page." };
      case "create-type": {
        const type = await api.createTicketType({
          workspaceId,
          eventId,
          wholeSeries: form.get("wholeSeries") === "on",
          ...ticketTypeFields(form),
        });
        return { intent, notice: `Ticket “${type.name}” added.` };
      }
      case "update-type": {
        const type = await api.updateTicketType({
          workspaceId,
          ticketTypeId: text(form, "ticketTypeId"),
          ...ticketTypeFields(form),
        });
        return { intent, notice: `Ticket “${type.name}” saved.`, ticketTypeId: type.id };
      }
      case "archive-type":
      case "restore-type": {
        const type = await api.setTicketTypeArchived({
          workspaceId,
          ticketTypeId: text(form, "ticketTypeId"),
          archived: intent === "archive-type",
        });
        return {
          intent,
          notice: intent === "archive-type" ? `“${type.name}” is off sale.` : `“${type.name}” is on sale again.`,
        };
      }
      case "create-code": {
        const maxUses = text(form, "maxUses");
        const code = await api.createPromoCode({
          workspaceId,
          eventId,
          code: text(form, "code"),
          kind: text(form, "kind") === "amount" ? "amount" : "percent",
          value: text(form, "kind") === "amount" ? (parseCents(text(form, "value")) ?? 0) : Number(text(form, "value")),
          maxUses: maxUses ? Number(maxUses) : null,
          validFrom: text(form, "validFrom") || null,
          validUntil: text(form, "validUntil") || null,
          ticketTypeIds: form.getAll("ticketTypeIds").map(String),
        });
        return { intent, notice: `Promo code “${code.code}” created.` };
      }
      case "refund-policy": {
        const hours = text(form, "refundWindowHours").trim();
        await api.setRefundPolicy({ workspaceId, eventId, refundWindowHours: hours === "" ? null : Number(hours) });
        return {
          intent,
          notice: hours === "" ? "Buyers can no longer cancel their orders." : "Cancellation policy saved.",
        };
      }
      case "refund": {
        const result = await api.refundOrder({
          workspaceId,
          orderId: text(form, "orderId"),
          cancelTickets: form.get("cancelTickets") === "on",
          // An unreadable amount is sent as -1 so the procedure's own message names the field.
          refundCents: parseCents(text(form, "amount")) ?? -1,
        });
        return {
          intent,
          notice:
            result.refundDueCents > 0
              ? "Refund recorded; the payment provider is asked within a minute."
              : "Order updated; nothing to refund.",
        };
      }
      case "cancel-event": {
        if (form.get("confirm") !== "on")
          return { intent, formError: "Tick the box to confirm the cancellation.", fieldErrors: {} };
        const status = await api.cancelEvent({ workspaceId, eventId, reason: text(form, "reason") });
        return {
          intent,
          notice: `Event cancelled. Refunds done: ${status.refundsDone}; still pending: ${status.refundsPending}.`,
        };
      }
      case "publish-recording": {
        const publish = form.get("publish") === "on";
        const made = await api.publishRecording({
          workspaceId,
          eventId,
          another: form.get("another") === "on",
          recording:
            text(form, "kind") === "post"
              ? { kind: "post", url: text(form, "url"), title: text(form, "title"), note: text(form, "note"), publish }
              : {
                  kind: "episode",
                  showId: text(form, "showId"),
                  audioMediaId: text(form, "audioMediaId"),
                  title: text(form, "title"),
                  description: text(form, "note"),
                  publish,
                },
        });
        return {
          intent,
          notice: made.created
            ? `Recording “${made.recording.title}” created for the ticket holders.`
            : `This event already has its recording, “${made.recording.title}”. Tick “another” to make a second one.`,
        };
      }
      case "delete-code":
        await api.deletePromoCode({ workspaceId, promoCodeId: text(form, "promoCodeId") });
        return { intent, notice: "Promo code deleted." };
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent, ticketTypeId: text(form, "ticketTypeId") });
  }
}

const TYPE_LABELS = {
  name: "Name",
  priceCents: "Price",
  currency: "Currency",
  quantity: "Quantity",
  maxPerOrder: "Per order",
  memberTierIds: "Member tiers",
  memberPriceCents: "Member price",
  earlyAccessTierIds: "Early access tiers",
  earlyAccessStartAt: "Early access from",
};

/** Daily buckets are UTC days (the service's); shorter ones are read on the event's own wall clock. */
function checkInChartTitle(bucketMinutes: number, timeZone: string) {
  if (bucketMinutes >= 24 * 60) return "Checked in per day (UTC)";
  return `Checked in per ${bucketMinutes === 60 ? "hour" : `${bucketMinutes} minutes`} (${timeZone})`;
}

function checkInBucketLabel(startsAt: Date, bucketMinutes: number, timeZone: string) {
  if (bucketMinutes >= 24 * 60) return startsAt.toISOString().slice(0, 10);
  return eventLocalValue(startsAt, timeZone).replace("T", " ");
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type TypeRow = Data["ticketTypes"][number];
type ActionResult = ReturnType<typeof useActionData<typeof action>>;

/** An "add" form folded under its summary; it opens again when its own submission failed, so its errors are seen. */
function AddForm({
  summary,
  intent,
  submit,
  result,
  children,
}: {
  summary: string;
  intent: string;
  submit: string;
  result: ActionResult;
  children: ReactNode;
}) {
  return (
    <details open={result && "intent" in result && result.intent === intent && !noticeOf(result)}>
      <summary>{summary}</summary>
      <Form method="post" className="stack" noValidate>
        {children}
        <div className="form-actions">
          <SubmitButton intent={intent} pendingLabel="Adding…">
            {submit}
          </SubmitButton>
        </div>
      </Form>
    </details>
  );
}

function TicketTypeForm({
  type,
  prefix,
  errors,
  tiers,
  timeZone,
}: {
  type?: TypeRow;
  prefix: string;
  errors: ReturnType<typeof errorsOf>;
  tiers: Data["tiers"];
  timeZone: string;
}) {
  const fe = errors?.fieldErrors;
  const price = (cents: number | null | undefined) => (cents == null ? "" : (cents / 100).toFixed(2));
  return (
    <>
      <ErrorSummary errors={errors} labels={TYPE_LABELS} idPrefix={prefix} />
      <Field
        id={`${prefix}name`}
        name="name"
        label="Name"
        required
        maxLength={120}
        defaultValue={type?.name}
        errors={fe?.name}
      />
      <Field
        id={`${prefix}priceCents`}
        name="price"
        label="Price"
        inputMode="decimal"
        hint="0 for a free RSVP."
        defaultValue={price(type?.priceCents ?? 0)}
        errors={fe?.priceCents}
      />
      <SelectField
        id={`${prefix}currency`}
        name="currency"
        label="Currency"
        hint="Every paid ticket of an event is sold in one currency."
        defaultValue={type?.currency ?? "usd"}
        errors={fe?.currency}
      >
        {["usd", "eur", "gbp", "cad", "aud"].map((c) => (
          <option key={c} value={c}>
            {c.toUpperCase()}
          </option>
        ))}
      </SelectField>
      <Field
        id={`${prefix}quantity`}
        name="quantity"
        type="number"
        min={1}
        label="Quantity"
        hint="This type's share of the seats. Empty: only the event's capacity limits it."
        defaultValue={type?.quantity ?? ""}
        errors={fe?.quantity}
      />
      <Field
        id={`${prefix}maxPerOrder`}
        name="maxPerOrder"
        type="number"
        min={1}
        max={50}
        label="Per order"
        defaultValue={type?.maxPerOrder ?? 10}
        errors={fe?.maxPerOrder}
      />
      {tiers.length > 0 ? (
        <>
          <CheckboxGroup legend="Member price for" name="memberTierIds" options={tiers} checked={type?.memberTierIds} />
          <Field
            id={`${prefix}memberPriceCents`}
            name="memberPrice"
            label="Member price"
            inputMode="decimal"
            defaultValue={price(type?.memberPriceCents)}
            errors={fe?.memberPriceCents}
          />
          <CheckboxGroup
            legend="Early access for"
            name="earlyAccessTierIds"
            options={tiers}
            checked={type?.earlyAccessTierIds}
          />
          <Field
            id={`${prefix}earlyAccessStartAt`}
            name="earlyAccessStartAt"
            type="datetime-local"
            label="Early access from"
            hint={`In ${timeZone}, before the sales start.`}
            defaultValue={type?.earlyAccessStartAt ? eventLocalValue(type.earlyAccessStartAt, timeZone) : ""}
            errors={fe?.earlyAccessStartAt}
          />
        </>
      ) : null}
    </>
  );
}

export default function EventEditor() {
  const data = useLoaderData<typeof loader>();
  const { event, ticketTypes, promoCodes, dashboard, attendees, search, images, tiers } = data;
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  // A canceled event is final (its orders are refunded in full): the page keeps its record but offers no more
  // changes to it, as the procedures would refuse them.
  const live = event.status !== "canceled";
  const manager = can(workspace.role, "events.manage");
  const treasurer = can(workspace.role, "payments.manage");
  const base = `/w/${workspace.id}/events/${event.id}`;
  const f = dashboard.figures;
  const failedType = result && "ticketTypeId" in result ? result.ticketTypeId : "";
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to={`/w/${workspace.id}/events`}>Events</Link>
          </p>
          <h1>{event.title}</h1>
          <p className="lead">
            {formatEventTime(event.startsAt, event.timeZone)} ·{" "}
            {event.status === "draft" ? "Draft" : event.status === "published" ? "Published" : "Canceled"}
            {event.status === "published" ? (
              <>
                {" "}
                · <Link to={`/c/${workspace.id}/events/${event.id}`}>Public page</Link>
              </>
            ) : null}{" "}
            · <Link to={`${base}/check-in`}>Check-in</Link>
          </p>
        </div>
        {manager && event.status === "draft" ? (
          <Form method="post">
            <SubmitButton intent="publish" pendingLabel="Publishing…">
              Publish
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      <Notice message={noticeOf(result)} />
      {result && "intent" in result && result.intent === "publish" ? (
        <ErrorSummary errors={errorsOf(result, "publish")} labels={{}} idPrefix="publish-" />
      ) : null}

      <section className="card" aria-labelledby="dashboard-heading">
        <h2 id="dashboard-heading">Sales</h2>
        <dl className="stats">
          <div>
            <dt>Sold</dt>
            <dd>
              {f.sold}
              {dashboard.event.capacity === null ? "" : ` of ${dashboard.event.capacity}`}
            </dd>
          </div>
          <div>
            <dt>Held now</dt>
            <dd>{f.held}</dd>
          </div>
          <div>
            <dt>Refunded or canceled</dt>
            <dd>{f.refunded}</dd>
          </div>
          <div>
            <dt>Revenue</dt>
            <dd>{formatMoney(f.revenueCents, f.currency)}</dd>
          </div>
          <div>
            <dt>Refunded</dt>
            <dd>{formatMoney(f.refundedCents, f.currency)}</dd>
          </div>
          <div>
            <dt>Waitlist</dt>
            <dd>{f.waitlist}</dd>
          </div>
        </dl>
        {dashboard.days.length > 0 ? (
          <>
            <BarChart
              title="Tickets issued per day (UTC)"
              label="Tickets"
              data={dashboard.days.map((d) => ({ label: d.day, value: d.issued }))}
            />
            <BarChart
              title="Revenue per day (UTC)"
              label={`Revenue (${f.currency.toUpperCase()})`}
              data={dashboard.days.map((d) => ({ label: d.day, value: d.revenueCents / 100 }))}
            />
          </>
        ) : (
          <p>No tickets yet.</p>
        )}
      </section>

      <section className="card" aria-labelledby="check-ins-heading">
        <h2 id="check-ins-heading">Check-ins</h2>
        {dashboard.checkIns.buckets.length > 0 ? (
          <BarChart
            title={checkInChartTitle(dashboard.checkIns.bucketMinutes, event.timeZone)}
            label="Checked in"
            data={dashboard.checkIns.buckets.map((b) => ({
              label: checkInBucketLabel(new Date(b.startsAt), dashboard.checkIns.bucketMinutes, event.timeZone),
              value: b.checkedIn,
            }))}
          />
        ) : (
          <p>Nobody checked in yet.</p>
        )}
        <p className="cell-sub">
          Stewards scan at the <Link to={`${base}/check-in`}>check-in page</Link>; times are when they scanned.
        </p>
      </section>

      <section className="card" aria-labelledby="types-heading">
        <h2 id="types-heading">Tickets</h2>
        {ticketTypes.length === 0 ? <p>No ticket types yet: add a free RSVP or a paid ticket to publish.</p> : null}
        <ul className="stack">
          {ticketTypes.map((type) => (
            <li key={type.id}>
              <h3>
                {type.name} {type.archivedAt ? <span className="badge">Off sale</span> : null}
              </h3>
              <p>
                {type.priceCents === 0 ? "Free" : formatMoney(type.priceCents, type.currency)}
                {type.memberPriceCents !== null
                  ? ` · members ${formatMoney(type.memberPriceCents, type.currency)}`
                  : ""}{" "}
                · {type.sold} sold · {type.held} held
                {type.quantity === null ? "" : ` · ${type.quantity} available in all`} · up to {type.maxPerOrder} per
                order
              </p>
              {manager && live ? (
                <>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="ticketTypeId" value={type.id} />
                    <SubmitButton
                      intent={type.archivedAt ? "restore-type" : "archive-type"}
                      className="button button-secondary"
                    >
                      {type.archivedAt ? `Put ${type.name} on sale` : `Take ${type.name} off sale`}
                    </SubmitButton>
                  </Form>
                  <details open={failedType === type.id}>
                    <summary>Edit {type.name}</summary>
                    <Form method="post" className="stack" noValidate>
                      <input type="hidden" name="ticketTypeId" value={type.id} />
                      <TicketTypeForm
                        type={type}
                        prefix={`type-${type.id}-`}
                        errors={failedType === type.id ? errorsOf(result, "update-type") : null}
                        tiers={tiers}
                        timeZone={event.timeZone}
                      />
                      <div className="form-actions">
                        <SubmitButton intent="update-type" pendingLabel="Saving…">
                          Save {type.name}
                        </SubmitButton>
                      </div>
                    </Form>
                  </details>
                </>
              ) : null}
            </li>
          ))}
        </ul>
        {manager && live ? (
          <AddForm summary="Add a ticket type" intent="create-type" submit="Add ticket type" result={result}>
            <TicketTypeForm
              prefix="new-type-"
              errors={errorsOf(result, "create-type")}
              tiers={tiers}
              timeZone={event.timeZone}
            />
            {event.seriesId ? (
              <label className="checkbox">
                <input type="checkbox" name="wholeSeries" defaultChecked /> Add to every event of this series
              </label>
            ) : null}
          </AddForm>
        ) : null}
      </section>

      <section className="card" aria-labelledby="codes-heading">
        <h2 id="codes-heading">Promo codes</h2>
        {promoCodes.length === 0 ? (
          <p>No promo codes.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Discount</th>
                <th scope="col">Uses</th>
                <th scope="col">Valid</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {promoCodes.map((code) => (
                <tr key={code.id}>
                  <td>{code.code}</td>
                  <td>
                    {code.kind === "percent"
                      ? `${code.value}%`
                      : formatMoney(code.value, ticketTypes[0]?.currency ?? "usd")}
                  </td>
                  <td>
                    {code.uses}
                    {code.maxUses === null ? "" : ` of ${code.maxUses}`}
                  </td>
                  <td>
                    {code.validFrom ? `from ${formatEventTime(code.validFrom, event.timeZone)} ` : ""}
                    {code.validUntil ? `until ${formatEventTime(code.validUntil, event.timeZone)}` : ""}
                    {!code.validFrom && !code.validUntil ? "Always" : ""}
                  </td>
                  <td>
                    {manager && live ? (
                      <Form method="post">
                        <input type="hidden" name="promoCodeId" value={code.id} />
                        <SubmitButton
                          intent="delete-code"
                          className="button button-secondary"
                          aria-label={`Delete ${code.code}`}
                        >
                          Delete
                        </SubmitButton>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {manager && live ? (
          <AddForm summary="Add a promo code" intent="create-code" submit="Add promo code" result={result}>
            <ErrorSummary
              errors={errorsOf(result, "create-code")}
              labels={{
                code: "Code",
                value: "Discount",
                maxUses: "Uses",
                validFrom: "Valid from",
                validUntil: "Valid until",
              }}
              idPrefix="code-"
            />
            <Field
              id="code-code"
              name="code"
              label="Code"
              required
              maxLength={40}
              errors={errorsOf(result, "create-code")?.fieldErrors.code}
            />
            <SelectField id="code-kind" name="kind" label="Kind" defaultValue="percent">
              <option value="percent">Percentage off</option>
              <option value="amount">Amount off each ticket</option>
            </SelectField>
            <Field
              id="code-value"
              name="value"
              label="Discount"
              hint="A percentage (1 to 100) or an amount such as 5.00."
              required
              errors={errorsOf(result, "create-code")?.fieldErrors.value}
            />
            <Field
              id="code-maxUses"
              name="maxUses"
              type="number"
              min={1}
              label="Uses"
              hint="Orders that may use it. Empty: unlimited."
            />
            <Field
              id="code-validFrom"
              name="validFrom"
              type="datetime-local"
              label="Valid from"
              hint={`In ${event.timeZone}.`}
            />
            <Field id="code-validUntil" name="validUntil" type="datetime-local" label="Valid until" />
            {ticketTypes.length > 0 ? (
              <CheckboxGroup legend="Only for" name="ticketTypeIds" options={ticketTypes} />
            ) : null}
          </AddForm>
        ) : null}
      </section>

      <section className="card" aria-labelledby="attendees-heading">
        <h2 id="attendees-heading">Attendees</h2>
        <Form method="get" className="inline-form" role="search">
          <Field id="attendee-search" name="q" label="Search by name or email" defaultValue={search} />
          <button type="submit" className="button button-secondary">
            Search
          </button>
        </Form>
        <p>
          <a href={`${base}/attendees.csv`} download>
            Download attendees (CSV)
          </a>
        </p>
        {attendees.items.length === 0 ? (
          <p>{search ? "Nobody matches." : "No attendees yet."}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Ticket</th>
                <th scope="col">Status</th>
                <th scope="col">Issued</th>
                {treasurer && live ? <th scope="col">Refund</th> : null}
              </tr>
            </thead>
            <tbody>
              {attendees.items.map((a) => (
                <tr key={a.ticketId}>
                  <td>{a.name ?? "—"}</td>
                  <td>{a.email ?? "—"}</td>
                  <td>{a.ticketTypeName}</td>
                  <td>{a.status}</td>
                  <td>{formatDateTime(a.createdAt)}</td>
                  {treasurer && live ? (
                    <td>
                      <details>
                        <summary>Refund order</summary>
                        <Form method="post" className="stack">
                          <input type="hidden" name="orderId" value={a.orderId} />
                          <Field
                            id={`refund-amount-${a.ticketId}`}
                            name="amount"
                            label="Amount to refund"
                            hint="The whole order or part of it; 0 cancels without refunding."
                            inputMode="decimal"
                            defaultValue={(a.priceCents / 100).toFixed(2)}
                            required
                          />
                          <label className="inline-check">
                            <input type="checkbox" name="cancelTickets" /> Also cancel the order&apos;s tickets (their
                            seats go to the waitlist)
                          </label>
                          <SubmitButton intent="refund" pendingLabel="Refunding…" className="button button-secondary">
                            Refund
                          </SubmitButton>
                        </Form>
                      </details>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="button-row">
          {attendees.page > 1 ? (
            <Link to={`?q=${encodeURIComponent(search)}&page=${attendees.page - 1}`}>Previous page</Link>
          ) : null}
          {attendees.hasMore ? (
            <Link to={`?q=${encodeURIComponent(search)}&page=${attendees.page + 1}`}>Next page</Link>
          ) : null}
        </p>
      </section>

      <ErrorSummary errors={errorsOf(result, "refund")} />

      {manager && live ? (
        <section className="card" aria-labelledby="policy-heading">
          <h2 id="policy-heading">Cancellations by buyers</h2>
          <ErrorSummary
            errors={errorsOf(result, "refund-policy")}
            labels={{ refundWindowHours: "Hours before the start" }}
            idPrefix="policy-"
          />
          <Form method="post" className="inline-form">
            <Field
              id="policy-refundWindowHours"
              name="refundWindowHours"
              label="Hours before the start"
              hint="Buyers may cancel their order and get their money back until then. Empty: only you cancel orders."
              inputMode="numeric"
              defaultValue={event.refundWindowHours ?? ""}
            />
            <SubmitButton intent="refund-policy" pendingLabel="Saving…" className="button button-secondary">
              Save policy
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      {event.status === "canceled" ? (
        <section className="card" aria-labelledby="cancellation-heading">
          <h2 id="cancellation-heading">Cancellation</h2>
          <p role="status">
            {data.cancellation.canceledAt
              ? `Cancelled ${formatDateTime(new Date(data.cancellation.canceledAt))}. `
              : ""}
            Refunds completed: {data.cancellation.refundsDone}. Refunds pending: {data.cancellation.refundsPending}
            {data.cancellation.refundsPending > 0 ? " (retried every minute until paid)." : "."}
          </p>
        </section>
      ) : treasurer ? (
        <section className="card" aria-labelledby="cancel-event-heading">
          <h2 id="cancel-event-heading">Cancel event</h2>
          <p>
            Every ticket ends, every holder is emailed, and every paid order is refunded in full. This cannot be undone.
          </p>
          <ErrorSummary errors={errorsOf(result, "cancel-event")} labels={{ reason: "Reason" }} idPrefix="cancel-" />
          <Form method="post" className="stack">
            <Field id="cancel-reason" name="reason" label="Reason (sent to holders)" />
            <label className="inline-check">
              <input type="checkbox" name="confirm" required /> Yes, cancel this event and refund everyone.
            </label>
            <SubmitButton intent="cancel-event" pendingLabel="Cancelling…" className="button button-danger">
              Cancel event
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      {data.recordings.length > 0 || (manager && data.ended && live) ? (
        <RecordingSection data={data} manager={manager} result={result} />
      ) : null}

      {manager && live ? (
        <section className="card" aria-labelledby="edit-heading">
          <h2 id="edit-heading">Details</h2>
          <Form method="post" className="stack" noValidate>
            <EventFields
              event={event}
              prefix="event-"
              errors={errorsOf(result, "update")}
              images={images}
              tiers={tiers}
            />
            <div className="form-actions">
              <SubmitButton intent="update" pendingLabel="Saving…">
                Save event
              </SubmitButton>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

const RECORDING_LABELS = {
  kind: "What to publish",
  showId: "Show",
  audioMediaId: "Audio",
  url: "Recording link",
  title: "Title",
  note: "Notes",
};

/**
 * After the event: its recording for the ticket holders (ADR 034) — an episode from audio in the media library, or a
 * post with a link — and what was made, with links to edit it. One per event unless "another" is ticked.
 */
function RecordingSection({ data, manager, result }: { data: Data; manager: boolean; result: ActionResult }) {
  const { event, recordings, recordingChoices } = data;
  const { workspace } = useWorkspaceLayout();
  const canPublish = manager && data.ended && event.status !== "canceled";
  return (
    <section className="card" aria-labelledby="recording-heading">
      <h2 id="recording-heading">Recording</h2>
      {recordings.length > 0 ? (
        <ul>
          {recordings.map((recording) => (
            <li key={recording.id}>
              {recording.kind === "episode" ? "Episode" : "Post"} “{recording.title}” ({recording.status}) for the
              ticket holders · <Link to={recording.editUrl}>Edit</Link>
              {recording.publicUrl ? (
                <>
                  {" "}
                  · <a href={recording.publicUrl}>Public page</a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>
          Publish the recording of this event for its ticket holders: they find it on its page and in their private
          feed.
        </p>
      )}
      {canPublish ? (
        <>
          <ErrorSummary
            errors={errorsOf(result, "publish-recording")}
            labels={RECORDING_LABELS}
            idPrefix="recording-"
          />
          <Form method="post" className="stack">
            <fieldset>
              <legend>Publish the recording as</legend>
              <label className="choice">
                <input type="radio" name="kind" value="episode" defaultChecked /> An episode (audio from the{" "}
                <Link to={`/w/${workspace.id}/media`}>media library</Link>)
              </label>
              <label className="choice">
                <input type="radio" name="kind" value="post" /> A post with a link to the recording
              </label>
            </fieldset>
            <Field id="recording-title" name="title" label="Title" defaultValue={`${event.title} (recording)`} />
            <SelectField id="recording-showId" name="showId" label="Show (for an episode)">
              {recordingChoices.shows.map((show) => (
                <option key={show.id} value={show.id}>
                  {show.title}
                </option>
              ))}
            </SelectField>
            <SelectField
              id="recording-audioMediaId"
              name="audioMediaId"
              label="Audio (for an episode)"
              hint="Upload the file in the media library first; it appears here once it is ready."
            >
              <option value="">Choose audio…</option>
              {recordingChoices.audio.map((file) => (
                <option key={file.id} value={file.id}>
                  {file.filename}
                </option>
              ))}
            </SelectField>
            <Field id="recording-url" name="url" label="Recording link (for a post)" inputMode="url" />
            <Field id="recording-note" name="note" label="Notes (optional)" />
            <label className="choice">
              <input type="checkbox" name="publish" defaultChecked /> Publish now (otherwise it is saved as a draft)
            </label>
            {recordings.length > 0 ? (
              <label className="choice">
                <input type="checkbox" name="another" /> Make another recording (this event already has one)
              </label>
            ) : null}
            <div className="form-actions">
              <SubmitButton intent="publish-recording" pendingLabel="Publishing…">
                Publish the recording
              </SubmitButton>
            </div>
          </Form>
        </>
      ) : null}
    </section>
  );
}
