import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useParams } from "@remix-run/react";
import { BarChart, LineChart, RankChart } from "../components/charts";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { pageTitle } from "../lib/meta";
import { workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/analytics.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Analytics", workspaceNameFrom(matches)) }];

const INTERVALS = { day: "Daily (30 days)", week: "Weekly (26 weeks)", month: "Monthly (12 months)" } as const;
type Interval = keyof typeof INTERVALS;
const isInterval = (value: string | null): value is Interval => value !== null && Object.hasOwn(INTERVALS, value);

/** Reads rollups only: one batch after the session (tests/worker/round-trip-budgets.test.ts). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const requested = url.searchParams.get("interval");
  const interval: Interval = isInterval(requested) ? requested : "day";
  try {
    return await context.api.analytics.getDownloads({
      workspaceId: params.workspaceId ?? "",
      showId: url.searchParams.get("show") || undefined,
      interval,
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const dateOnly = (value: string | Date | null) =>
  value === null ? "—" : (typeof value === "string" ? value : value.toISOString()).slice(0, 10);

export default function Analytics() {
  const report = useLoaderData<typeof loader>();
  const { workspaceId } = useParams();
  const per = (what: string) => (report.interval === "day" ? `${what} per day` : `${what} per ${report.interval}`);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Analytics</h1>
          <p className="lead">
            Downloads counted by the IAB Podcast Measurement Guidelines v2.2, from {report.from} to {report.to} (UTC).
          </p>
        </div>
      </div>

      <section className="card" aria-labelledby="filters-heading">
        <h2 id="filters-heading" className="visually-hidden">
          Filters
        </h2>
        <Form method="get" className="analytics-filters">
          <label>
            Show
            <select name="show" defaultValue={report.showId ?? ""}>
              <option value="">All shows</option>
              {report.shows.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            Period
            <select name="interval" defaultValue={report.interval}>
              {Object.entries(INTERVALS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button button-secondary">
            Show
          </button>
          <a className="button button-secondary" href={`/w/${workspaceId}/analytics.csv`} download>
            Export downloads CSV (90 days)
          </a>
          <a className="button button-secondary" href={`/w/${workspaceId}/analytics.csv?report=audience`} download>
            Export listeners and subscribers CSV (90 days)
          </a>
        </Form>
        <p className="muted">
          {report.total.toLocaleString("en-US")} downloads and {report.listeners.toLocaleString("en-US")} estimated
          listeners in this period.{" "}
          {report.methodology.computedAt
            ? `Counted ${dateOnly(report.methodology.computedAt)}; the current day fills in hourly.`
            : "Nothing counted yet: downloads appear within the hour after listeners fetch an episode."}{" "}
          <Link to={`/methodology/${workspaceId}`}>How we count</Link>
        </p>
      </section>

      <section className="card" aria-labelledby="over-time-heading">
        <h2 id="over-time-heading">Downloads over time</h2>
        <BarChart
          title={per("Downloads")}
          label="Downloads"
          data={report.series.map((s) => ({ label: s.period, value: s.downloads }))}
        />
      </section>

      <section className="card" aria-labelledby="listeners-heading">
        <h2 id="listeners-heading">Estimated listeners over time</h2>
        <BarChart
          title={per("Estimated listeners")}
          label="Listeners"
          data={report.series.map((s) => ({ label: s.period, value: s.listeners }))}
        />
        <p className="muted">
          A listener is one IP address (IPv6 cut to its /64) and app with at least one counted download that UTC day.
          The key that tells listeners apart changes every day for privacy, so a week or month adds its days up: someone
          who listens on three days counts three times.
        </p>
      </section>

      <section className="card" aria-labelledby="subscribers-heading">
        <h2 id="subscribers-heading">Feed subscribers (estimate)</h2>
        <p className="muted">
          {report.subscribers.latest
            ? `${report.subscribers.latest.subscribers.toLocaleString("en-US")} on ${report.subscribers.latest.day}: `
            : "No feed fetches recorded yet: "}
          distinct apps that fetched the RSS feed that day, bots removed, plus the subscriber counts that aggregators
          such as Feedly report. Weeks and months show the average day.
        </p>
        <BarChart
          title={
            report.interval === "day"
              ? "Feed subscribers per day"
              : `Feed subscribers, average day per ${report.interval}`
          }
          label="Subscribers"
          additive={false}
          data={report.subscribers.series.map((s) => ({ label: s.period, value: s.subscribers }))}
        />
      </section>

      <section className="card" aria-labelledby="curves-heading">
        <h2 id="curves-heading">First 30 days of recent episodes</h2>
        <LineChart
          title="Cumulative downloads by day after release"
          series={report.curves.map((c) => ({ name: c.title, values: c.cumulative }))}
        />
      </section>

      <section className="card" aria-labelledby="episodes-heading">
        <h2 id="episodes-heading">Episodes</h2>
        {report.episodes.length === 0 ? (
          <p className="muted">No published episodes yet.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="episodes-heading">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Episode</th>
                  <th scope="col">Published</th>
                  <th scope="col">First 7 days</th>
                  <th scope="col">First 30 days</th>
                  <th scope="col">All time</th>
                  <th scope="col">Listeners (all time, daily added up)</th>
                </tr>
              </thead>
              <tbody>
                {report.episodes.map((e) => (
                  <tr key={e.id}>
                    <th scope="row">{e.title}</th>
                    <td>{dateOnly(e.publishedAt)}</td>
                    <td className="numeric">{e.first7Days.toLocaleString("en-US")}</td>
                    <td className="numeric">{e.first30Days.toLocaleString("en-US")}</td>
                    <td className="numeric">{e.downloads.toLocaleString("en-US")}</td>
                    <td className="numeric">{e.listeners.toLocaleString("en-US")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <div className="analytics-grid">
        <section className="card" aria-labelledby="apps-heading">
          <h2 id="apps-heading">Apps</h2>
          <RankChart title="Top apps" label="App" data={report.apps} />
        </section>
        <section className="card" aria-labelledby="platforms-heading">
          <h2 id="platforms-heading">Platforms</h2>
          <RankChart title="Top platforms" label="Platform" data={report.platforms} />
        </section>
        <section className="card" aria-labelledby="countries-heading">
          <h2 id="countries-heading">Countries</h2>
          <RankChart title="Top countries" label="Country" data={report.countries} />
        </section>
      </div>
    </>
  );
}
