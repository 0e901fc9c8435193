import { scaleBand, scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import { useId } from "react";

/**
 * Charts drawn on the server as SVG with d3-scale and d3-shape (no client script, a few KiB in the Worker).
 * Every chart is a figure whose SVG has a text alternative and is followed by the same numbers as a table,
 * so screen-reader users and keyboard users get the data, not a picture of it.
 */

const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 44 };
const number = (n: number) => n.toLocaleString("en-US");

function DataTable(props: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  return (
    <details className="chart-data">
      <summary>Data table: {props.caption}</summary>
      <table className="table">
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) =>
                j === 0 ? (
                  <th key={j} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={j} className="numeric">
                    {typeof cell === "number" ? number(cell) : cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function YAxis({ y }: { y: ReturnType<typeof scaleLinear<number, number>> }) {
  return (
    <g aria-hidden="true">
      {y.ticks(4).map((tick) => (
        <g key={tick} transform={`translate(0,${y(tick)})`}>
          <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} className="chart-grid" />
          <text x={MARGIN.left - 6} dy="0.32em" textAnchor="end" className="chart-tick">
            {number(tick)}
          </text>
        </g>
      ))}
    </g>
  );
}

/**
 * Vertical bars over labelled periods (downloads per day, week or month). `additive: false` for levels such as a
 * subscriber estimate, which do not add up across periods: the summary then gives the latest value, not a total.
 */
export function BarChart(props: {
  title: string;
  label: string;
  data: { label: string; value: number }[];
  additive?: boolean;
}) {
  const id = useId();
  const x = scaleBand<string>()
    .domain(props.data.map((d) => d.label))
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .padding(0.15);
  const max = Math.max(1, ...props.data.map((d) => d.value));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const every = Math.max(1, Math.ceil(props.data.length / 8));
  const total = props.data.reduce((n, d) => n + d.value, 0);
  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
      >
        <desc id={`${id}-desc`}>
          {props.data.length === 0
            ? "No data yet."
            : `${props.data.length} periods from ${props.data[0].label} to ${props.data[props.data.length - 1].label}, ${
                props.additive === false
                  ? `${number(props.data[props.data.length - 1].value)} ${props.label.toLowerCase()} in the last`
                  : `${number(total)} ${props.label.toLowerCase()} in all`
              }, at most ${number(max)} in one period.`}
        </desc>
        <YAxis y={y} />
        {props.data.map((d) => (
          <rect
            key={d.label}
            x={x(d.label)}
            y={y(d.value)}
            width={x.bandwidth()}
            height={y(0) - y(d.value)}
            className="chart-bar"
          />
        ))}
        <g aria-hidden="true">
          {props.data.map((d, i) =>
            i % every === 0 ? (
              <text
                key={d.label}
                x={(x(d.label) ?? 0) + x.bandwidth() / 2}
                y={HEIGHT - 8}
                textAnchor="middle"
                className="chart-tick"
              >
                {d.label.slice(5)}
              </text>
            ) : null,
          )}
        </g>
      </svg>
      <DataTable
        caption={props.title}
        columns={["Period", props.label]}
        rows={props.data.map((d) => [d.label, d.value])}
      />
    </figure>
  );
}

/** One line per series over days 1..n (cumulative downloads after release). */
export function LineChart(props: { title: string; series: { name: string; values: number[] }[] }) {
  const id = useId();
  const days = Math.max(1, ...props.series.map((s) => s.values.length));
  const x = scaleLinear()
    .domain([1, days])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const max = Math.max(1, ...props.series.flatMap((s) => s.values));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = line<number>()
    .x((_, i) => x(i + 1))
    .y((v) => y(v));
  const checkpoints = [1, 7, 30].filter((d) => d <= days);
  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
      >
        <desc id={`${id}-desc`}>
          {props.series.length === 0
            ? "No data yet."
            : props.series
                .map((s) => `${s.name}: ${number(s.values[s.values.length - 1] ?? 0)} by day ${days}`)
                .join("; ")}
        </desc>
        <YAxis y={y} />
        {props.series.map((s, i) => (
          <path key={s.name} d={path(s.values) ?? undefined} className={`chart-line chart-line-${i % 5}`} />
        ))}
        <g aria-hidden="true">
          {checkpoints.map((d) => (
            <text key={d} x={x(d)} y={HEIGHT - 8} textAnchor="middle" className="chart-tick">
              day {d}
            </text>
          ))}
        </g>
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        {props.series.map((s, i) => (
          <li key={s.name}>
            <span className={`chart-swatch chart-line-${i % 5}`} /> {s.name}
          </li>
        ))}
      </ul>
      <DataTable
        caption={props.title}
        columns={["Episode", ...checkpoints.map((d) => `By day ${d}`)]}
        rows={props.series.map((s) => [s.name, ...checkpoints.map((d) => s.values[d - 1] ?? 0)])}
      />
    </figure>
  );
}

/** Ranked horizontal bars (top apps, platforms, countries). */
export function RankChart(props: { title: string; label: string; data: { name: string; downloads: number }[] }) {
  const id = useId();
  const rowHeight = 22;
  const height = Math.max(1, props.data.length) * rowHeight + 8;
  const max = Math.max(1, ...props.data.map((d) => d.downloads));
  const x = scaleLinear().domain([0, max]).range([0, 260]);
  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
      >
        <desc id={`${id}-desc`}>
          {props.data.length === 0
            ? "No data yet."
            : props.data.map((d) => `${d.name} ${number(d.downloads)}`).join(", ")}
        </desc>
        {props.data.map((d, i) => (
          <g key={d.name} transform={`translate(0,${i * rowHeight + 4})`} aria-hidden="true">
            <text x={0} y={14} className="chart-tick">
              {d.name.length > 34 ? `${d.name.slice(0, 33)}…` : d.name}
            </text>
            <rect x={250} y={3} width={x(d.downloads)} height={14} className="chart-bar" />
            <text x={256 + x(d.downloads)} y={14} className="chart-tick">
              {number(d.downloads)}
            </text>
          </g>
        ))}
      </svg>
      <DataTable
        caption={props.title}
        columns={[props.label, "Downloads"]}
        rows={props.data.map((d) => [d.name, d.downloads])}
      />
    </figure>
  );
}
