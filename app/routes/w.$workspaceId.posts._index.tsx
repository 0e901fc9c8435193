import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import postStyles from "../styles/posts.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: postStyles }];
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Posts", workspaceNameFrom(matches)) }];

const PAGE_SIZE = 20;
const STATUSES = ["draft", "scheduled", "published"] as const;
type StatusFilter = (typeof STATUSES)[number];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor");
  const requested = url.searchParams.get("status");
  const status = STATUSES.find((value) => value === requested) ?? null;
  try {
    const page = await context.api.posts.list({
      workspaceId: params.workspaceId ?? "",
      status,
      limit: PAGE_SIZE,
      cursor,
    });
    return { ...page, status, firstPage: !cursor };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const values = { title: text(form, "title") };
  try {
    const post = await context.api.posts.create({ workspaceId, title: values.title });
    throw redirect(`/w/${workspaceId}/posts/${post.id}`);
  } catch (error) {
    return actionError(error, { values });
  }
}

const VISIBILITY_LABELS = {
  public: "Everyone",
  members: "Members",
  paid: "Paid members",
  tiers: "Chosen tiers",
  ticket_holders: "Ticket holders",
};

export default function Posts() {
  const { items, nextCursor, firstPage, status } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const errors = errorsOf(useActionData<typeof action>());
  const editor = can(workspace.role, "content.write");
  const base = `/w/${workspace.id}/posts`;
  const filtered = (value: StatusFilter | null) => (value ? `${base}?status=${value}` : base);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Posts</h1>
          <p className="lead">
            Write for your audience: public, for members, or for chosen tiers, and send as a newsletter.
          </p>
        </div>
      </div>
      <nav aria-label="Filter posts by status" className="button-row">
        {[null, ...STATUSES].map((value) => (
          <Link
            key={value ?? "all"}
            to={filtered(value)}
            className="button button-secondary button-small"
            aria-current={status === value ? "page" : undefined}
          >
            {value ? value[0].toUpperCase() + value.slice(1) : "All"}
          </Link>
        ))}
      </nav>
      <section className="card" aria-labelledby="posts-heading">
        <h2 id="posts-heading" className="visually-hidden">
          Your posts
        </h2>
        {items.length === 0 ? (
          <div className="empty-state">
            <h2>{firstPage ? (status ? `No ${status} posts` : "No posts yet") : "No more posts"}</h2>
            <p className="muted">
              {editor ? "Start one below: it stays a draft until you publish or schedule it." : "Editors write posts."}
            </p>
          </div>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="posts-heading">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Post</th>
                  <th scope="col">Status</th>
                  <th scope="col">Who can read</th>
                  <th scope="col">Newsletter</th>
                </tr>
              </thead>
              <tbody>
                {items.map((post) => (
                  <tr key={post.id}>
                    <th scope="row">
                      <Link to={`${base}/${post.id}`}>{post.title}</Link>
                      {post.publishError ? <span className="cell-sub field-error">{post.publishError}</span> : null}
                    </th>
                    <td className="nowrap post-list-status">
                      {post.status}
                      <span className="cell-sub">
                        {post.publishedAt
                          ? formatDateTime(post.publishedAt)
                          : post.publishAt
                            ? formatDateTime(post.publishAt)
                            : null}
                      </span>
                    </td>
                    <td>{VISIBILITY_LABELS[post.visibility]}</td>
                    <td className="post-list-status">{post.newsletterState === "none" ? "—" : post.newsletterState}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {nextCursor || !firstPage ? (
          <nav className="pagination" aria-label="Post list pages">
            {!firstPage ? (
              <Link className="button button-secondary button-small" to={filtered(status)}>
                ← First page
              </Link>
            ) : null}
            {nextCursor ? (
              <Link
                className="button button-secondary button-small"
                to={`${filtered(status)}${status ? "&" : "?"}cursor=${encodeURIComponent(nextCursor)}`}
              >
                Next page →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
      {editor ? (
        <section className="card page-narrow-card" aria-labelledby="new-post-heading">
          <h2 id="new-post-heading">New post</h2>
          <ErrorSummary errors={errors} labels={{ title: "Title" }} />
          <Form method="post" className="stack" noValidate>
            <Field label="Title" name="title" id="title" required maxLength={200} errors={errors?.fieldErrors.title} />
            <SubmitButton pendingLabel="Creating…">Start writing</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
