import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorPanel } from "../components/error-page";
import { UsageMeters } from "../components/usage-meters";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { pageTitle } from "../lib/meta";
import { STATUS_BADGES, STATUS_LABELS } from "../lib/podcasts";
import { can, ROLE_DESCRIPTIONS, ROLE_WITH_ARTICLE } from "../lib/roles";
import { captionExcerpt, formatLocal, POST_STATUS, zoneLabel } from "../lib/social";
import { utcToZonedLocal } from "../lib/timezones";
import { workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/dashboard.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Dashboard", workspaceNameFrom(matches)) }];

/**
 * One procedure call, one batch: everything below is read by workspaces.getDashboard in a single round trip after
 * the session (the page's budget is fixed by tests/worker/round-trip-budgets.test.ts).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  try {
    const dashboard = await context.api.workspaces.getDashboard({ workspaceId: params.workspaceId ?? "" });
    return { dashboard, emailVerified: user.emailVerified };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

type Dashboard = ReturnType<typeof useLoaderData<typeof loader>>["dashboard"];

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

const JOB_LABEL = {
  waiting_for_provider: "Waiting for a provider",
  queued: "Queued",
  transcribing: "Transcribing",
  done: "Done",
  failed: "Failed",
} as const;

interface Step {
  done: boolean;
  title: string;
  body: string;
  action?: { to: string; label: string };
}

function checklistSteps(dashboard: Dashboard, emailVerified: boolean, base: string): Step[] {
  const { role, checklist } = dashboard;
  const writer = can(role, "content.write");
  const steps: Step[] = [
    {
      done: emailVerified,
      title: "Confirm your email address",
      body: emailVerified
        ? "Done. Your address is confirmed."
        : "Open the link we emailed you. Nothing arrived? Use “Resend email” above.",
    },
  ];
  if (writer) {
    steps.push(
      {
        done: checklist.shows > 0,
        title: "Create a show",
        body: "A show holds your episodes, artwork and the RSS feed directories read.",
        action: { to: `${base}/shows#new-show`, label: "Create a show" },
      },
      {
        done: checklist.readyAudio > 0,
        title: "Upload audio",
        body: "Drop an episode's audio into the media library, or record one in the browser. It is transcribed for you.",
        action: { to: `${base}/media`, label: "Upload audio" },
      },
      {
        done: checklist.publishedEpisodes > 0,
        title: "Publish an episode",
        body: "Add an episode to a show, attach its audio and publish it now or at a time you choose.",
        action: { to: `${base}/shows`, label: "Go to your shows" },
      },
    );
  }
  if (can(role, "social.accounts.manage")) {
    steps.push({
      done: checklist.socialAccounts > 0,
      title: "Connect a social account",
      body: "Connect Instagram (or the offline Sandbox) to schedule posts about each episode.",
      action: { to: `${base}/social/accounts`, label: "Connect an account" },
    });
  }
  if (can(role, "members.manage")) {
    steps.push({
      done: dashboard.memberCount > 1 || checklist.pendingInvitations > 0,
      title: "Invite a teammate",
      body: "Bring in a co-host, an editor or a producer, with the role that fits.",
      action: { to: `${base}/members#invite`, label: "Invite someone" },
    });
  }
  if (can(role, "workspace.update")) {
    steps.push({
      // New workspaces are called "<first name>'s studio" until someone names them.
      done: !dashboard.name.endsWith("'s studio"),
      title: "Name your workspace",
      body: "Use the name of your show, studio or team, so invitations say where people are joining.",
      action: { to: `${base}/settings`, label: "Rename workspace" },
    });
  }
  return steps;
}

export default function DashboardPage() {
  const { dashboard, emailVerified } = useLoaderData<typeof loader>();
  const base = `/w/${dashboard.id}`;
  const steps = checklistSteps(dashboard, emailVerified, base);
  const doneCount = steps.filter((step) => step.done).length;
  const writer = can(dashboard.role, "content.write");

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Welcome to {dashboard.name}</h1>
          <p className="lead">
            You are <strong>{ROLE_WITH_ARTICLE[dashboard.role]}</strong> here. {ROLE_DESCRIPTIONS[dashboard.role]}
          </p>
        </div>
      </div>

      {doneCount < steps.length ? (
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
                  {step.action && !step.done ? (
                    <Link className="button button-secondary button-small" to={step.action.to}>
                      {step.action.label}
                    </Link>
                  ) : null}
                </div>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <div className="dashboard-grid">
        <Panel
          id="dash-shows"
          title="Shows"
          more={dashboard.shows.length > 0 ? { to: `${base}/shows`, label: "All shows" } : undefined}
        >
          {dashboard.shows.length === 0 ? (
            <Empty>
              No shows yet.{" "}
              {writer ? <Link to={`${base}/shows#new-show`}>Create your first show</Link> : "An editor can create one."}
            </Empty>
          ) : (
            <ul className="dashboard-list">
              {dashboard.shows.map((show) => (
                <li key={show.id}>
                  <p className="dashboard-item-title">
                    <Link to={`${base}/shows/${show.id}`}>{show.title}</Link>{" "}
                    <span className="muted">{plural(show.episodeCount, "episode", "episodes")}</span>
                  </p>
                  {show.latestEpisodes.length === 0 ? (
                    <p className="muted">No episodes yet.</p>
                  ) : (
                    <ul className="dashboard-sublist" aria-label={`Latest episodes of ${show.title}`}>
                      {show.latestEpisodes.map((episode) => (
                        <li key={episode.id}>
                          <Link to={`${base}/episodes/${episode.id}`}>{episode.title}</Link>{" "}
                          <span className={STATUS_BADGES[episode.status]}>{STATUS_LABELS[episode.status]}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Panel>

        <Panel id="dash-scheduled" title="Episodes scheduled next">
          {dashboard.scheduledEpisodes.length === 0 ? (
            <Empty>Nothing scheduled. Choose a publish time on an episode’s page to schedule it.</Empty>
          ) : (
            <ul className="dashboard-list">
              {dashboard.scheduledEpisodes.map((episode) => (
                <li key={episode.id}>
                  <p className="dashboard-item-title">
                    <Link to={`${base}/episodes/${episode.id}`}>{episode.title}</Link>
                  </p>
                  <p className="muted">
                    {episode.showTitle}
                    {episode.publishAt ? <> · {formatDateTime(episode.publishAt)}</> : null}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Panel>

        <Panel id="dash-posts" title="Social posts" more={{ to: `${base}/social/posts`, label: "All posts" }}>
          <h3 className="dashboard-subheading">Failed</h3>
          {dashboard.failedPosts.length === 0 ? (
            <Empty>No failed posts.</Empty>
          ) : (
            <PostList posts={dashboard.failedPosts} base={base} />
          )}
          <h3 className="dashboard-subheading">Upcoming</h3>
          {dashboard.upcomingPosts.length === 0 ? (
            <Empty>
              No posts scheduled. {writer ? <Link to={`${base}/social/compose`}>Compose a post</Link> : null}
            </Empty>
          ) : (
            <PostList posts={dashboard.upcomingPosts} base={base} />
          )}
        </Panel>

        <Panel id="dash-transcription" title="Transcription" more={{ to: `${base}/media`, label: "Media library" }}>
          <h3 className="dashboard-subheading">Failed</h3>
          {dashboard.failedTranscriptions.length === 0 ? (
            <Empty>No failed transcriptions.</Empty>
          ) : (
            <ul className="dashboard-list">
              {dashboard.failedTranscriptions.map((job) => (
                <li key={job.id}>
                  <p className="dashboard-item-title">
                    {job.filename} <span className="badge badge-failed">{JOB_LABEL[job.status]}</span>
                  </p>
                  {job.error ? <p className="muted">{job.error}</p> : null}
                  {writer ? (
                    <Form method="post" action={`${base}/transcription-jobs/${job.id}/retry`}>
                      <input type="hidden" name="redirectTo" value={base} />
                      <button type="submit" className="button button-secondary button-small">
                        Retry<span className="visually-hidden"> transcribing {job.filename}</span>
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          <h3 className="dashboard-subheading">In progress</h3>
          {dashboard.activeTranscriptions.length === 0 ? (
            <Empty>Nothing is being transcribed.</Empty>
          ) : (
            <ul className="dashboard-list">
              {dashboard.activeTranscriptions.map((job) => (
                <li key={job.id}>
                  <p className="dashboard-item-title">
                    {job.filename} <span className="badge badge-warning">{JOB_LABEL[job.status]}</span>
                  </p>
                  {job.status === "transcribing" ? (
                    <p className="dashboard-progress">
                      <progress max={100} value={job.progress} aria-label={`Transcribing ${job.filename}`} />{" "}
                      <span>{job.progress}%</span>
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Panel>

        <Panel
          id="dash-usage"
          title={`Usage on the ${dashboard.usage.plan.name} plan`}
          more={{ to: `${base}/billing`, label: "Plan and billing" }}
        >
          <UsageMeters usage={dashboard.usage} className="usage-meters dashboard-meters" />
        </Panel>
      </div>
    </>
  );
}

function Panel({
  id,
  title,
  more,
  children,
}: {
  id: string;
  title: string;
  more?: { to: string; label: string };
  children: ReactNode;
}) {
  return (
    <section className="card dashboard-panel" aria-labelledby={id}>
      <div className="dashboard-panel-header">
        <h2 id={id}>{title}</h2>
        {more ? <Link to={more.to}>{more.label}</Link> : null}
      </div>
      {children}
    </section>
  );
}

const Empty = ({ children }: { children: ReactNode }) => <p className="muted dashboard-empty">{children}</p>;

function PostList({ posts, base }: { posts: Dashboard["upcomingPosts"]; base: string }) {
  return (
    <ul className="dashboard-list">
      {posts.map((post) => (
        <li key={post.id}>
          <p className="dashboard-item-title">
            <Link to={`${base}/social/compose?postId=${post.id}`}>{captionExcerpt(post.caption, 60)}</Link>{" "}
            <span className={`badge ${POST_STATUS[post.status].tone}`}>{POST_STATUS[post.status].label}</span>
          </p>
          <p className="muted">
            {post.account ? `@${post.account.username}` : "No account"}
            {post.scheduledAt ? (
              <>
                {" "}
                · {formatLocal(utcToZonedLocal(post.scheduledAt, post.timezone))} ({zoneLabel(post.timezone)})
              </>
            ) : null}
          </p>
          {post.status === "failed" && post.error ? <p className="muted">Why: {post.error}</p> : null}
        </li>
      ))}
    </ul>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
