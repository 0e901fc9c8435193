import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { SelectField } from "../components/form";
import { requireUser } from "../lib/auth.server";
import { FLIGHT_STATUS_LABELS, POSITION_LABELS } from "../lib/campaigns";
import { throwLoaderError } from "../lib/errors.server";
import { pageTitle } from "../lib/meta";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import campaignStyles from "../styles/campaigns.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: campaignStyles }];
export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle("Campaign calendar", workspaceNameFrom(matches)) },
];

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = [
  ["Mon", "Monday"],
  ["Tue", "Tuesday"],
  ["Wed", "Wednesday"],
  ["Thu", "Thursday"],
  ["Fri", "Friday"],
  ["Sat", "Saturday"],
  ["Sun", "Sunday"],
] as const;

const POSITION_SHORT = { pre: "Pre", mid: "Mid", post: "Post" } as const;

/** Where a booking plays on the show: every episode, or only the episodes its flight names. */
const episodesWords = ({ everyEpisode, episodeTitles }: { everyEpisode: boolean; episodeTitles: string[] }) =>
  everyEpisode
    ? "every episode"
    : episodeTitles.length === 1
      ? `only “${episodeTitles[0]}”`
      : `only ${episodeTitles.length} episodes`;

const shiftMonth = (month: string, by: number) => {
  const [y, m] = month.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1 + by, 1));
  return date.toISOString().slice(0, 7);
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const month = url.searchParams.get("month") || new Date().toISOString().slice(0, 7);
  try {
    return await context.api.campaigns.getCalendar({
      workspaceId: params.workspaceId ?? "",
      showId: url.searchParams.get("show") || null,
      month,
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export default function CampaignCalendar() {
  const calendar = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const [year, monthNumber] = calendar.month.split("-").map(Number);
  const title = `${MONTH_NAMES[monthNumber - 1]} ${year}`;
  const byId = new Map(calendar.bookings.map((b) => [b.flightId, b]));
  // Monday-first weeks: blank cells before the 1st and after the last day.
  const lead = (new Date(Date.UTC(year, monthNumber - 1, 1)).getUTCDay() + 6) % 7;
  const cells = [...Array<null>(lead).fill(null), ...calendar.days];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const query = (month: string) =>
    `?${new URLSearchParams({ month, ...(calendar.show ? { show: calendar.show.id } : {}) }).toString()}`;
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to={`/w/${workspace.id}/campaigns`}>Campaigns</Link>
          </p>
          <h1>Campaign calendar</h1>
          <p className="lead">Which flights hold which positions on each day of a show.</p>
        </div>
      </div>
      {calendar.shows.length === 0 ? (
        <section className="card">
          <div className="empty-state">
            <h2>No shows yet</h2>
            <p className="muted">Flights are booked on shows. Create a show, then book a flight on it.</p>
          </div>
        </section>
      ) : (
        <section className="card" aria-labelledby="calendar-heading">
          <Form method="get" className="form-actions">
            <input type="hidden" name="month" value={calendar.month} />
            <SelectField name="show" label="Show" defaultValue={calendar.show?.id}>
              {calendar.shows.map((show) => (
                <option key={show.id} value={show.id}>
                  {show.title}
                </option>
              ))}
            </SelectField>
            <button type="submit" className="button button-secondary">
              Show calendar
            </button>
          </Form>
          <nav className="pagination" aria-label="Months">
            <Link className="button button-secondary button-small" to={query(shiftMonth(calendar.month, -1))}>
              ← Previous month
            </Link>
            <Link className="button button-secondary button-small" to={query(shiftMonth(calendar.month, 1))}>
              Next month →
            </Link>
          </nav>
          <table className="calendar-grid">
            <caption id="calendar-heading">
              {calendar.show?.title}: bookings in {title}
            </caption>
            <thead>
              <tr>
                {WEEKDAYS.map(([short, long]) => (
                  <th key={short} scope="col">
                    <abbr title={long}>{short}</abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {weeks.map((week, w) => (
                <tr key={w}>
                  {week.map((cell, d) =>
                    cell ? (
                      <td key={cell.day}>
                        <span className="calendar-day">{Number(cell.day.slice(8))}</span>
                        {cell.positions.flatMap((p) =>
                          p.flightIds.map((flightId) => {
                            const booking = byId.get(flightId)!;
                            const competing = p.competingFlightIds.includes(flightId);
                            return (
                              <span
                                key={`${p.position}-${flightId}`}
                                className={competing ? "calendar-booking calendar-conflict" : "calendar-booking"}
                                title={`${POSITION_LABELS[p.position]}: ${booking.advertiserName}, ${booking.flightName}, ${episodesWords(booking)}`}
                              >
                                {POSITION_SHORT[p.position]}: {booking.advertiserName}
                                {booking.everyEpisode ? null : (
                                  <span className="calendar-episodes">{episodesWords(booking)}</span>
                                )}
                                {competing && p.competingFlightIds[0] === flightId ? (
                                  <span className="visually-hidden"> (plays first)</span>
                                ) : null}
                              </span>
                            );
                          }),
                        )}
                      </td>
                    ) : (
                      <td key={`blank-${w}-${d}`} className="calendar-outside" />
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            Outlined entries compete for the same position on the same episodes that day; the higher priority plays.
          </p>
          <h2>Bookings in {title}</h2>
          {calendar.bookings.length === 0 ? (
            <p className="muted">Nothing is booked on {calendar.show?.title} this month.</p>
          ) : (
            <ul className="stack">
              {calendar.bookings.map((b) => (
                <li key={b.flightId}>
                  <Link to={`/w/${workspace.id}/campaigns/${b.campaignId}`}>{b.campaignName}</Link> · {b.advertiserName}{" "}
                  · {b.flightName} · {POSITION_LABELS[b.position]} · {b.startsOn} to {b.endsOn} ·{" "}
                  {FLIGHT_STATUS_LABELS[b.status]} · priority {b.priority}
                  {b.everyEpisode
                    ? ` · every episode${b.episodeTitles.length ? ` (${b.episodeTitles.join(", ")} also chosen singly)` : ""}`
                    : ` · only ${b.episodeTitles.length === 1 ? "the episode" : `${b.episodeTitles.length} episodes`}: ${b.episodeTitles.join(", ")}`}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
