import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { LineChart } from "../components/charts";
import { ErrorSummary, Field, SelectField, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { formatMoney } from "../lib/money";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/analytics.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Audience", workspaceNameFrom(matches)) }];

const STATUSES = ["active", "blocked", "left"] as const;
type Status = (typeof STATUSES)[number];
const STATUS_LABELS: Record<Status, string> = { active: "Active", blocked: "Blocked", left: "Left" };

/** The filters as the URL carries them (so a filtered list can be bookmarked and exported). */
export function memberFilters(url: URL) {
  const day = (name: string) => {
    const value = url.searchParams.get(name);
    if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
    const date = new Date(`${value}T00:00:00.000Z`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  };
  const status = url.searchParams.get("status");
  const to = day("joinedTo");
  return {
    tier: url.searchParams.get("tier") || undefined,
    status: (STATUSES as readonly string[]).includes(status ?? "") ? (status as Status) : undefined,
    joinedFrom: day("joinedFrom"),
    // The form's "to" day is inclusive.
    joinedTo: to ? new Date(to.getTime() + 86_400_000) : undefined,
  };
}

/** Members, tiers and growth: three procedures sent at once, one wave after the session. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const url = new URL(request.url);
  const page = Math.max(1, Math.min(10_000, Number(url.searchParams.get("page")) || 1));
  try {
    const [members, tiers, growth] = await Promise.all([
      context.api.audience.listMembers({ workspaceId, filters: memberFilters(url), page }),
      context.api.tiers.list({ workspaceId }),
      context.api.audience.getGrowth({ workspaceId, days: 90 }),
    ]);
    return { members, tiers, growth, query: Object.fromEntries(url.searchParams) };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const values = { email: text(form, "email"), reason: text(form, "reason"), csv: text(form, "csv") };
  try {
    switch (intent) {
      case "grant": {
        const ends = text(form, "endsAt");
        await context.api.audience.grantMembership({
          workspaceId,
          email: values.email,
          tierId: text(form, "tierId"),
          source: text(form, "source") === "gift" ? "gift" : "complimentary",
          endsAt: ends ? new Date(`${ends}T00:00:00.000Z`) : null,
          reason: values.reason,
        });
        return { intent, notice: `${values.email} now has the membership. No email was sent.` };
      }
      case "preview-import":
      case "import": {
        const result = await context.api.audience.importMembers({
          workspaceId,
          csv: values.csv,
          apply: intent === "import",
        });
        return {
          intent,
          values,
          importResult: result,
          notice:
            intent === "import"
              ? `Imported ${result.imported} ${result.imported === 1 ? "person" : "people"}; ${result.skipped} already here. No emails were sent.`
              : null,
        };
      }
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent, values });
  }
}

const GRANT_LABELS = { email: "Email", tierId: "Tier", endsAt: "Ends on", reason: "Reason" };

export default function Audience() {
  const { members, tiers, growth, query } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const manager = can(workspace.role, "audience.manage");
  const base = `/w/${workspace.id}/audience`;
  const pages = Math.max(1, Math.ceil(members.total / members.pageSize));
  const pageHref = (page: number) => `?${new URLSearchParams({ ...query, page: String(page) })}`;
  const exportQuery = new URLSearchParams(query);
  exportQuery.delete("page");
  const openTiers = tiers.filter((tier) => !tier.archivedAt);
  const importResult = result && "importResult" in result ? result.importResult : null;
  const latest = growth.at(-1);
  const filtered = Boolean(query.tier || query.status || query.joinedFrom || query.joinedTo);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Audience</h1>
          <p className="lead">
            People who joined {workspace.name}. You see only their relationship with you. Tiers are on the{" "}
            <Link to={`/w/${workspace.id}/tiers`}>Tiers</Link> page.
          </p>
        </div>
      </div>
      <Notice message={noticeOf(result)} />

      <section className="card" aria-labelledby="growth-heading">
        <h2 id="growth-heading">Growth, last 90 days</h2>
        <p>
          {latest ? `${latest.members} ${latest.members === 1 ? "member" : "members"} today` : null}
          {latest
            ? ` · monthly recurring revenue ${formatMoney(latest.mrrCents, openTiers[0]?.currency ?? "usd")}`
            : null}
        </p>
        <div className="chart-pair">
          <LineChart title="Members per day" series={[{ name: "Members", values: growth.map((d) => d.members) }]} />
          {/* The axis counts whole currency units: cents would read as a hundred times the revenue. */}
          <LineChart
            title={`Monthly recurring revenue per day (${(openTiers[0]?.currency ?? "usd").toUpperCase()})`}
            series={[{ name: "MRR", values: growth.map((d) => d.mrrCents / 100) }]}
          />
        </div>
        <details>
          <summary>Growth as a table</summary>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Growth per day">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Members</th>
                  <th scope="col">MRR</th>
                </tr>
              </thead>
              <tbody>
                {growth.map((d) => (
                  <tr key={d.day}>
                    <th scope="row">{d.day}</th>
                    <td className="numeric">{d.members}</td>
                    <td className="numeric">{formatMoney(d.mrrCents, openTiers[0]?.currency ?? "usd")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>

      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading">
          {members.total} {members.total === 1 ? "member" : "members"}
          {filtered ? " matching" : ""}
        </h2>
        <Form method="get" className="analytics-filters">
          <label>
            Tier
            <select name="tier" defaultValue={query.tier ?? ""}>
              <option value="">Any</option>
              <option value="none">No current tier</option>
              {tiers.map((tier) => (
                <option key={tier.id} value={tier.id}>
                  {tier.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select name="status" defaultValue={query.status ?? ""}>
              <option value="">Any</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {STATUS_LABELS[status]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Joined from
            <input type="date" name="joinedFrom" defaultValue={query.joinedFrom ?? ""} />
          </label>
          <label>
            Joined to
            <input type="date" name="joinedTo" defaultValue={query.joinedTo ?? ""} />
          </label>
          <button type="submit" className="button button-secondary">
            Filter
          </button>
          <a className="button button-secondary" href={`${base}.csv?${exportQuery}`} download>
            Export CSV
          </a>
        </Form>
        {members.members.length === 0 ? (
          <p>
            {filtered
              ? "Nobody matches these filters."
              : `Nobody has joined yet. Share your public page, /c/${workspace.id}, or import a list below.`}
          </p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="members-heading">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Tier</th>
                  <th scope="col">Status</th>
                  <th scope="col">Joined</th>
                </tr>
              </thead>
              <tbody>
                {members.members.map((member) => (
                  <tr key={member.supporterId}>
                    <th scope="row" className="cell-name">
                      <Link to={`${base}/${member.supporterId}`}>{member.name}</Link>
                    </th>
                    <td className="cell-email">{member.email}</td>
                    <td>{member.tiers.map((tier) => tier.name ?? "Member").join(", ") || "—"}</td>
                    <td>{STATUS_LABELS[member.status]}</td>
                    <td>{formatDate(new Date(member.joinedAt))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {pages > 1 ? (
          <nav aria-label="Pages of members" className="pagination">
            {members.page > 1 ? <Link to={pageHref(members.page - 1)}>Previous</Link> : null}
            <span aria-current="page">
              Page {members.page} of {pages}
            </span>
            {members.page < pages ? <Link to={pageHref(members.page + 1)}>Next</Link> : null}
          </nav>
        ) : null}
      </section>

      {manager ? (
        <>
          <section className="card" aria-labelledby="grant-heading">
            <h2 id="grant-heading">Give a membership</h2>
            <p>A complimentary or gift membership of one of your tiers, for a window you choose.</p>
            {openTiers.length === 0 ? (
              <p>
                Create a tier first on the <Link to={`/w/${workspace.id}/tiers`}>Tiers</Link> page.
              </p>
            ) : (
              <Form method="post" className="stack" noValidate>
                <ErrorSummary errors={errorsOf(result, "grant")} labels={GRANT_LABELS} idPrefix="grant-" />
                <Field
                  id="grant-email"
                  name="email"
                  type="email"
                  label={GRANT_LABELS.email}
                  required
                  errors={errorsOf(result, "grant")?.fieldErrors.email}
                />
                <SelectField
                  id="grant-tierId"
                  name="tierId"
                  label={GRANT_LABELS.tierId}
                  errors={errorsOf(result, "grant")?.fieldErrors.tierId}
                >
                  {openTiers.map((tier) => (
                    <option key={tier.id} value={tier.id}>
                      {tier.name}
                    </option>
                  ))}
                </SelectField>
                <SelectField id="grant-source" name="source" label="Kind">
                  <option value="complimentary">Complimentary</option>
                  <option value="gift">Gift</option>
                </SelectField>
                <Field
                  id="grant-endsAt"
                  name="endsAt"
                  type="date"
                  label={GRANT_LABELS.endsAt}
                  hint="Leave empty for no end."
                  errors={errorsOf(result, "grant")?.fieldErrors.endsAt}
                />
                <Field
                  id="grant-reason"
                  name="reason"
                  label={GRANT_LABELS.reason}
                  maxLength={500}
                  hint="Shown on the member's page, for your team."
                />
                <div className="form-actions">
                  <SubmitButton intent="grant" pendingLabel="Giving…">
                    Give membership
                  </SubmitButton>
                </div>
              </Form>
            )}
          </section>

          <section className="card" aria-labelledby="import-heading">
            <h2 id="import-heading">Import members</h2>
            <p>
              Paste a CSV with a header line: <code>email</code>, and optionally <code>name</code> and <code>tier</code>{" "}
              (a tier&apos;s name). Check it first; importing twice adds nobody twice, and nobody is emailed.
            </p>
            <Form method="post" className="stack" noValidate>
              <ErrorSummary errors={errorsOf(result, ["preview-import", "import"])} />
              <div className="field">
                <label htmlFor="import-csv">CSV</label>
                <textarea
                  id="import-csv"
                  name="csv"
                  rows={6}
                  defaultValue={result && "values" in result ? result.values?.csv : ""}
                />
              </div>
              {importResult ? (
                <div role="status">
                  <p>
                    {importResult.rows} {importResult.rows === 1 ? "row" : "rows"} can be imported
                    {importResult.problems.length ? `; ${importResult.problems.length} need fixing:` : "."}
                  </p>
                  {importResult.problems.length ? (
                    <ul>
                      {importResult.problems.map((problem) => (
                        <li key={`${problem.line}-${problem.message}`}>
                          Line {problem.line}: {problem.message}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              ) : null}
              <div className="form-actions">
                <SubmitButton intent="preview-import" className="button button-secondary" pendingLabel="Checking…">
                  Check
                </SubmitButton>
                <SubmitButton intent="import" pendingLabel="Importing…">
                  Import
                </SubmitButton>
              </div>
            </Form>
          </section>
        </>
      ) : null}
    </>
  );
}
