import { formatEventTime } from "../lib/event-time";

/**
 * The supporter portal's "Your tickets" (`/c/:workspaceId/account`): every valid ticket to this creator's events,
 * each linking to its event page (and to the ticket's own page, where its QR code is shown) and, after the event, to
 * its recordings.
 */
export function YourTickets({
  workspaceId,
  tickets,
}: {
  workspaceId: string;
  tickets: {
    ticketId: string;
    eventId: string;
    eventTitle: string;
    startsAt: Date;
    timeZone: string;
    eventStatus: string;
    ticketTypeName: string;
    /** The event's published recordings for its ticket holders (ADR 034). */
    recordings: { kind: "episode" | "post"; id: string; title: string; url: string }[];
  }[];
}) {
  return (
    <section className="card" aria-labelledby="your-tickets-heading">
      <h2 id="your-tickets-heading">Your tickets</h2>
      {tickets.length === 0 ? (
        <p>No tickets yet. Upcoming events are on the creator&apos;s page.</p>
      ) : (
        <ul className="stack">
          {tickets.map((ticket) => (
            <li key={ticket.ticketId}>
              <a href={`/c/${workspaceId}/events/${ticket.eventId}`}>{ticket.eventTitle}</a> · {ticket.ticketTypeName}
              {ticket.eventStatus === "canceled" ? " · Canceled" : ""}
              <div className="cell-sub">{formatEventTime(ticket.startsAt, ticket.timeZone)}</div>
              <a href={`/c/${workspaceId}/tickets/${ticket.ticketId}`}>Show ticket</a>
              {ticket.recordings.map((recording) => (
                <div key={recording.id}>
                  {recording.kind === "episode" ? "Listen to the recording: " : "Watch the recording: "}
                  <a href={recording.url}>{recording.title}</a>
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
