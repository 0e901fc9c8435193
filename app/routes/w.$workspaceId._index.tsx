import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { pageTitle } from "../lib/meta";
import { can, ROLE_DESCRIPTIONS, ROLE_WITH_ARTICLE } from "../lib/roles";
import { workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Dashboard", workspaceNameFrom(matches)) }];

/** One procedure call only: the dashboard's query count is fixed by a test (the layout adds workspaces.list). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  try {
    const overview = await context.api.workspaces.getOverview({ workspaceId: params.workspaceId ?? "" });
    return { overview, emailVerified: user.emailVerified };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export default function Dashboard() {
  const { overview, emailVerified } = useLoaderData<typeof loader>();
  const base = `/w/${overview.id}`;
  const manager = can(overview.role, "members.manage");
  const steps = [
    {
      done: emailVerified,
      title: "Confirm your email address",
      body: emailVerified
        ? "Done. Your address is confirmed."
        : "Open the link we emailed you. Nothing arrived? Use “Resend email” above.",
    },
    ...(manager
      ? [
          {
            done: overview.memberCount > 1 || overview.pendingInvitationCount > 0,
            title: "Invite a teammate",
            body: "Bring in a co-host, an editor or a producer, with the role that fits.",
            action: { to: `${base}/members#invite`, label: "Invite someone" },
          },
        ]
      : []),
    ...(can(overview.role, "workspace.update")
      ? [
          {
            // New workspaces are called "<first name>'s studio" until someone names them.
            done: !overview.name.endsWith("'s studio"),
            title: "Name your workspace",
            body: "Use the name of your show, studio or team, so invitations say where people are joining.",
            action: { to: `${base}/settings`, label: "Rename workspace" },
          },
        ]
      : []),
  ];
  const doneCount = steps.filter((step) => step.done).length;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Welcome to {overview.name}</h1>
          <p className="lead">
            You are <strong>{ROLE_WITH_ARTICLE[overview.role]}</strong> here. {ROLE_DESCRIPTIONS[overview.role]}
          </p>
        </div>
      </div>

      <ul className="stats" aria-label="Workspace at a glance">
        <li className="card stat">
          <span className="stat-value">{overview.memberCount}</span>
          <span className="stat-label">{overview.memberCount === 1 ? "member" : "members"}</span>
          <Link to={`${base}/members`}>See members</Link>
        </li>
        <li className="card stat">
          <span className="stat-value">{overview.pendingInvitationCount}</span>
          <span className="stat-label">
            pending {overview.pendingInvitationCount === 1 ? "invitation" : "invitations"}
          </span>
          {manager ? <Link to={`${base}/members#invite`}>Invite someone</Link> : null}
        </li>
        <li className="card stat">
          <span className="stat-value stat-value-small">{formatDate(overview.createdAt)}</span>
          <span className="stat-label">created</span>
        </li>
      </ul>

      <section className="card empty-state" aria-labelledby="get-started">
        <div className="empty-state-header">
          <h2 id="get-started">Get started</h2>
          <p className="muted">
            {doneCount} of {plural(steps.length, "step", "steps")} done
          </p>
        </div>
        <ol className="checklist">
          {steps.map((step) => (
            <li key={step.title} className={step.done ? "checklist-item is-done" : "checklist-item"}>
              <span className="checklist-mark" aria-hidden="true" />
              <div>
                <h3>
                  {step.title}
                  <span className="visually-hidden">{step.done ? " (done)" : " (to do)"}</span>
                </h3>
                <p>{step.body}</p>
                {"action" in step && step.action && !step.done ? (
                  <Link className="button button-secondary button-small" to={step.action.to}>
                    {step.action.label}
                  </Link>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
        {manager ? null : (
          <p className="muted">Owners and admins of this workspace can invite teammates and rename it.</p>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
