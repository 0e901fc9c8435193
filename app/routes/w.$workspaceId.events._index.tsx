import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { EventFields, eventFieldsFrom } from "../components/event-form";
import { Field, SelectField, SubmitButton } from "../components/form";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { EVENT_KIND_LABELS, formatEventTime } from "../lib/event-time";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Events", workspaceNameFrom(matches)) }];

/** The events and the create form's choices (images, tiers), read side by side: one wave after the session. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    const [events, choices] = await Promise.all([
      context.api.events.list({ workspaceId }),
      context.api.posts.listEmbedChoices({ workspaceId }),
    ]);
    return { events, images: choices.images, tiers: choices.tiers };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent !== "create") throw new Response("Unknown action.", { status: 400 });
    const count = Number(text(form, "repeatCount") || "1");
    const repeat = text(form, "repeat");
    const frequency = (["daily", "weekly", "monthly"] as const).find((f) => f === repeat);
    const recurrence = frequency ? { frequency, interval: Number(text(form, "repeatInterval") || "1"), count } : null;
    const { event } = await context.api.events.create({ workspaceId, ...eventFieldsFrom(form), recurrence });
    throw redirect(`/w/${workspaceId}/events/${event.id}`);
  } catch (error) {
    return actionError(error, { intent });
  }
}

const STATUS_LABELS = { draft: "Draft", published: "Published", canceled: "Canceled" } as const;

export default function Events() {
  const { events, images, tiers } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const manager = can(workspace.role, "events.manage");
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Events</h1>
          <p className="lead">
            Live tapings, meetups and online sessions: free RSVPs or paid tickets, with a waitlist when they sell out.
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="events-heading">
        <h2 id="events-heading">
          {events.length === 0 ? "No events yet" : `${events.length} ${events.length === 1 ? "event" : "events"}`}
        </h2>
        {events.length === 0 ? (
          <p>Create your first event below; it stays a draft until you publish it.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Starts</th>
                <th scope="col">Status</th>
                <th scope="col">Sold</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <td>
                    <Link to={`/w/${workspace.id}/events/${event.id}`}>{event.title}</Link>
                    <div className="cell-sub">
                      {EVENT_KIND_LABELS[event.kind]}
                      {event.seriesId ? " · Series" : ""}
                    </div>
                  </td>
                  <td>{formatEventTime(event.startsAt, event.timeZone)}</td>
                  <td>{STATUS_LABELS[event.status]}</td>
                  <td>
                    {event.sold}
                    {event.capacity === null ? "" : ` of ${event.capacity}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {manager ? (
        <section className="card" aria-labelledby="new-event-heading">
          <h2 id="new-event-heading">New event</h2>
          <Form method="post" className="stack" noValidate>
            <EventFields prefix="new-" errors={errorsOf(result, "create")} images={images} tiers={tiers} />
            <SelectField id="new-repeat" name="repeat" label="Repeat" defaultValue="none">
              <option value="none">Once</option>
              <option value="daily">Daily</option>
              <option value="weekly">Weekly</option>
              <option value="monthly">Monthly</option>
            </SelectField>
            <Field
              id="new-repeatInterval"
              name="repeatInterval"
              type="number"
              min={1}
              max={12}
              label="Every"
              hint="1 is every day, week or month; 2 every other."
              defaultValue={1}
            />
            <Field
              id="new-repeatCount"
              name="repeatCount"
              type="number"
              min={2}
              max={52}
              label="Occurrences"
              hint="For a series: how many events to create (2 to 52)."
              defaultValue={4}
            />
            <div className="form-actions">
              <SubmitButton intent="create" pendingLabel="Creating…">
                Create event
              </SubmitButton>
            </div>
          </Form>
        </section>
      ) : (
        <p>Owners, admins and editors create events.</p>
      )}
    </>
  );
}
