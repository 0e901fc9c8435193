import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ShowNotes } from "../components/public-podcast";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { Pager } from "../components/pager";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/comments.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Comments", workspaceNameFrom(matches)) }];

const FILTERS = [
  ["all", "All"],
  ["reported", "Reported"],
  ["hidden", "Hidden"],
] as const;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const filter = FILTERS.find(([value]) => value === url.searchParams.get("filter"))?.[0] ?? "all";
  const targetId = url.searchParams.get("target") ?? undefined;
  try {
    const page = await context.api.comments.listForModeration({
      workspaceId: params.workspaceId ?? "",
      filter,
      targetKind: url.searchParams.get("kind") === "post" ? "post" : "episode",
      targetId,
      cursor: url.searchParams.get("cursor") ?? undefined,
    });
    return { ...page, filter, targetId: targetId ?? null };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const intent = text(form, "intent");
  const workspaceId = params.workspaceId ?? "";
  const commentId = text(form, "commentId");
  const comments = context.api.comments;
  try {
    if (intent === "hide" || intent === "unhide") {
      await comments.setHidden({ workspaceId, commentId, hidden: intent === "hide" });
      return { intent, notice: intent === "hide" ? "Comment hidden." : "Comment shown again." };
    }
    if (intent === "delete") {
      await comments.moderatorDelete({ workspaceId, commentId });
      return { intent, notice: "Comment deleted." };
    }
    if (intent === "block") {
      await comments.blockAuthor({ workspaceId, commentId, reason: text(form, "reason") });
      return { intent, notice: "Blocked. Their comments are hidden and they can no longer comment." };
    }
    if (intent === "dismiss" || intent === "resolve") {
      await comments.resolveReport({
        workspaceId,
        reportId: text(form, "reportId"),
        outcome: intent === "dismiss" ? "dismissed" : "resolved",
      });
      return { intent, notice: "Report closed." };
    }
    throw new Response("Unknown action.", { status: 400 });
  } catch (error) {
    return actionError(error, { intent });
  }
}

const REASONS: Record<string, string> = { spam: "Spam", abuse: "Abusive", off_topic: "Off topic", other: "Other" };

export default function CommentModeration() {
  const { items, nextCursor, filter, targetId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const query = (extra: Record<string, string>) =>
    `?${new URLSearchParams({ filter, ...(targetId ? { target: targetId } : {}), ...extra })}`;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Comments</h1>
          <p className="lead">What your audience says under your episodes and posts, newest first.</p>
        </div>
      </div>
      <nav aria-label="Filter comments">
        <ul className="tabs">
          {FILTERS.map(([value, label]) => (
            <li key={value}>
              <Link to={`?filter=${value}`} aria-current={value === filter ? "page" : undefined}>
                {label}
              </Link>
            </li>
          ))}
          {targetId ? (
            <li>
              <Link to={`?filter=${filter}`}>Show every episode and post</Link>
            </li>
          ) : null}
        </ul>
      </nav>
      <Notice message={noticeOf(result)} />
      <ErrorSummary errors={errorsOf(result)} />
      {items.length === 0 ? (
        <div className="empty-state">
          <p>No comments here.</p>
        </div>
      ) : (
        <ol className="moderation-list comments" aria-label="Comments to moderate">
          {items.map((item) => (
            <li key={item.id}>
              <p className="comment-meta">
                <strong>{item.author ? item.author.name : "[deleted]"}</strong>
                {item.author?.creator ? <span className="badge badge-success">Creator</span> : null}
                {item.author?.blocked ? <span className="badge badge-failed">Blocked</span> : null}
                <span className="muted">
                  on <Link to={query({ target: item.target.id, kind: item.target.kind })}>{item.target.title}</Link>
                </span>
                <time className="muted" dateTime={item.createdAt.toISOString()}>
                  {formatDateTime(item.createdAt)}
                </time>
                {item.status !== "visible" ? <span className="badge badge-warning">{item.status}</span> : null}
              </p>
              {item.body === null ? <p className="muted">[deleted]</p> : <ShowNotes text={item.body} />}
              {item.reports.length > 0 ? (
                <ul aria-label="Reports">
                  {item.reports.map((report) => (
                    <li key={report.id}>
                      <span className="badge badge-warning">{REASONS[report.reason] ?? "Report"}</span> {report.note}
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="reportId" value={report.id} />
                        <SubmitButton intent="dismiss" className="button button-secondary button-small">
                          Dismiss report
                        </SubmitButton>
                      </Form>
                    </li>
                  ))}
                </ul>
              ) : null}
              {item.status === "deleted" ? null : (
                <div className="comment-actions">
                  <Form method="post">
                    <input type="hidden" name="commentId" value={item.id} />
                    <SubmitButton
                      intent={item.status === "hidden" ? "unhide" : "hide"}
                      className="button button-secondary button-small"
                    >
                      {item.status === "hidden" ? "Show" : "Hide"}
                    </SubmitButton>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="commentId" value={item.id} />
                    <SubmitButton intent="delete" className="button button-secondary button-small">
                      Delete
                    </SubmitButton>
                  </Form>
                  {item.author?.supporterId && !item.author.blocked ? (
                    <Form method="post">
                      <input type="hidden" name="commentId" value={item.id} />
                      <SubmitButton intent="block" className="button button-danger button-small">
                        Block {item.author.name}
                      </SubmitButton>
                    </Form>
                  ) : null}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      <Pager label="Comment pages" next={nextCursor ? { to: query({ cursor: nextCursor }), text: "Older" } : null} />
    </>
  );
}
