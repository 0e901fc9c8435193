import { EVENT_KIND_LABELS, formatEventTime } from "../lib/event-time";

/**
 * The creator home page's upcoming-events section (`/c/:workspaceId`): titles and times from `events.listUpcoming`,
 * the same for every visitor, with a mark on events that need a membership (their page says which).
 */
export function UpcomingEvents({
  workspaceId,
  events,
}: {
  workspaceId: string;
  events: {
    id: string;
    title: string;
    kind: keyof typeof EVENT_KIND_LABELS;
    startsAt: Date;
    timeZone: string;
    visibility: string;
  }[];
}) {
  if (events.length === 0) return null;
  return (
    <section aria-labelledby="upcoming-events-heading" className="public-section">
      <h2 id="upcoming-events-heading">Upcoming events</h2>
      <ul className="stack">
        {events.map((event) => (
          <li key={event.id}>
            <h3>
              <a href={`/c/${workspaceId}/events/${event.id}`}>{event.title}</a>
              {event.visibility === "public" ? null : <span className="cell-sub"> · Members</span>}
            </h3>
            <p className="cell-sub">
              {formatEventTime(event.startsAt, event.timeZone)} · {EVENT_KIND_LABELS[event.kind]}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
