import type { ZReport } from "../../server/trpc/routers/campaigns/schemas";
import type * as z from "zod";
import { POSITION_LABELS, countOf, formatCount, priceWords } from "../lib/campaigns";

type Report = z.infer<typeof ZReport>;

function Totals({ id, title, rows, unit }: { id: string; title: string; rows: Report["byDay"]; unit: string }) {
  const max = Math.max(1, ...rows.map((r) => r.impressions));
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">No {unit.toLowerCase()} yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{title.replace(/^By /, "").replace(/^\w/, (c) => c.toUpperCase())}</th>
              <th scope="col">{unit}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.label}</th>
                <td className="nowrap">
                  {formatCount(row.impressions)}{" "}
                  <span
                    className="report-bar"
                    style={{ width: `${(row.impressions / max) * 6}rem` }}
                    aria-hidden="true"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const PROOF_WORDS: Record<Report["hostReads"][number]["proof"], string> = {
  unchecked: "No transcript of a targeted episode has been searched for this read yet.",
  missing: "Not every part of this read was heard in the transcript.",
  proven: "Every part of this read was heard in the transcript.",
};

const KIND_WORDS = { promo_code: "Promo code", url: "URL", talking_point: "Talking point" } as const;

/** Each thing a host read had to say, where the transcript has it, or a flag where it does not. */
function HostReadEvidence({ read }: { read: Report["hostReads"][number] }) {
  return (
    <>
      <span className={read.proof === "missing" ? "callout" : "muted"}>{PROOF_WORDS[read.proof]}</span>
      {read.evidence.length ? (
        <ul>
          {read.evidence.map((e) => (
            <li key={`${e.flightId}-${e.episodeId}-${e.kind}-${e.target}`}>
              {KIND_WORDS[e.kind]} “{e.target}” in {e.episodeTitle}:{" "}
              {e.found ? (
                <>
                  at {e.atSeconds} s, “{e.passage}”
                </>
              ) : (
                <strong>not mentioned</strong>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** The campaign report, the same for the network (signed in) and the advertiser (report link). */
export function CampaignReport({ report }: { report: Report }) {
  const unit = report.source.unitLabel;
  return (
    <>
      <section className="card" aria-labelledby="report-summary">
        <h2 id="report-summary">Delivery against goal</h2>
        <p>
          {report.advertiserName} with {report.workspaceName}, {report.campaign.startsOn} to {report.campaign.endsOn},{" "}
          {priceWords(report.campaign)}.
        </p>
        <p className="callout">{report.source.explanation}</p>
        <p>
          <strong>{countOf(report.totals.delivered, report.source)}</strong> against a goal of{" "}
          {formatCount(report.totals.goal)}
          {report.totals.percentOfGoal === null ? "" : ` (${report.totals.percentOfGoal}%)`}.
        </p>
        {report.flights.length ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Flight</th>
                <th scope="col">{unit}</th>
                <th scope="col">Goal</th>
              </tr>
            </thead>
            <tbody>
              {report.flights.map((flight) => (
                <tr key={flight.id}>
                  <th scope="row">
                    {flight.name}
                    <span className="cell-sub">
                      {POSITION_LABELS[flight.position]} · {flight.startsOn} to {flight.endsOn}
                    </span>
                  </th>
                  <td>{formatCount(flight.delivered)}</td>
                  <td>
                    {formatCount(flight.goal)}
                    {flight.percentOfGoal === null ? "" : ` (${flight.percentOfGoal}%)`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <Totals id="by-day" title="By day (UTC)" rows={report.byDay} unit={unit} />
      <Totals id="by-show" title="By show" rows={report.byShow} unit={unit} />
      <Totals id="by-episode" title="By episode" rows={report.byEpisode} unit={unit} />
      <Totals id="by-country" title="By country" rows={report.byCountry} unit={unit} />
      <Totals id="by-app" title="By app" rows={report.byApp} unit={unit} />
      <section className="card" aria-labelledby="host-reads">
        <h2 id="host-reads">Host reads</h2>
        {report.hostReads.length === 0 ? (
          <p className="muted">This campaign has no host-read creatives.</p>
        ) : (
          <ul className="stack">
            {report.hostReads.map((read) => (
              <li key={read.id}>
                <strong>{read.name}</strong>
                {read.promoCode ? ` · code ${read.promoCode}` : ""}
                {read.url ? ` · ${read.url}` : ""}
                <br />
                <HostReadEvidence read={read} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="methodology">
        <h2 id="methodology">Methodology</h2>
        <p>
          Counted by <code>{report.methodology.version}</code>
          {report.methodology.listsVersion ? (
            <>
              {" "}
              with user-agent lists <code>{report.methodology.listsVersion}</code>
            </>
          ) : null}
          . Days are UTC.
        </p>
      </section>
    </>
  );
}
