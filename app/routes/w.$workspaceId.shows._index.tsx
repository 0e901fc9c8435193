import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, SubmitButton } from "../components/form";
import { SHOW_FIELD_LABELS, ShowFields, showValuesFrom } from "../components/show-fields";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { errorsOf } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import podcastStyles from "../styles/podcasts.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: podcastStyles }];
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Shows", workspaceNameFrom(matches)) }];

const PAGE_SIZE = 20;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const cursor = new URL(request.url).searchParams.get("cursor");
  try {
    const page = await context.api.podcasts.listShows({
      workspaceId: params.workspaceId ?? "",
      limit: PAGE_SIZE,
      cursor,
    });
    return { ...page, firstPage: !cursor };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const values = showValuesFrom(await request.formData());
  try {
    const { artworkMediaId: _none, ...fields } = values;
    const show = await context.api.podcasts.createShow({ workspaceId, ...fields });
    throw redirect(`/w/${workspaceId}/shows/${show.id}`);
  } catch (error) {
    return actionError(error, { values });
  }
}

export default function Shows() {
  const { items, nextCursor, firstPage } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const errors = errorsOf(result);
  const editor = can(workspace.role, "content.write");
  const base = `/w/${workspace.id}/shows`;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Shows</h1>
          <p className="lead">
            Each show has its own episodes and a public RSS feed for Apple Podcasts, Spotify and every other app.
          </p>
        </div>
        {editor && items.length > 0 ? (
          <a className="button" href="#new-show">
            New show
          </a>
        ) : null}
      </div>

      <section className="card" aria-labelledby="shows-heading">
        <h2 id="shows-heading" className="visually-hidden">
          Your shows
        </h2>
        {items.length === 0 ? (
          <div className="empty-state">
            <h2>{firstPage ? "No shows yet" : "No more shows"}</h2>
            <p className="muted">
              {firstPage
                ? editor
                  ? "Create your first show below. You can add artwork and episodes once it exists."
                  : "Editors and admins of this workspace can create shows."
                : "You have reached the end of the list."}
            </p>
            {firstPage ? null : <Link to={base}>Back to the first page</Link>}
          </div>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="shows-heading">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Show</th>
                  <th scope="col">Category</th>
                  <th scope="col">Episodes</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((show) => (
                  <tr key={show.id}>
                    <th scope="row">
                      <Link to={`${base}/${show.id}`}>{show.title}</Link>
                      <span className="cell-sub">Language: {show.language}</span>
                    </th>
                    <td>{show.category.replace(" > ", " › ")}</td>
                    <td className="nowrap">
                      {show.episodeCount}
                      <span className="cell-sub">{show.publishedCount} published</span>
                    </td>
                    <td className="nowrap">{formatDate(show.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {nextCursor || !firstPage ? (
          <nav className="pagination" aria-label="Show list pages">
            {!firstPage ? (
              <Link className="button button-secondary button-small" to={base}>
                ← First page
              </Link>
            ) : null}
            {nextCursor ? (
              <Link
                className="button button-secondary button-small"
                to={`${base}?cursor=${encodeURIComponent(nextCursor)}`}
              >
                Next page →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>

      {editor ? (
        <section className="card page-narrow-card" aria-labelledby="new-show-heading" id="new-show">
          <h2 id="new-show-heading">New show</h2>
          <ErrorSummary errors={errors} labels={SHOW_FIELD_LABELS} />
          <Form method="post" className="stack" noValidate>
            <ShowFields
              values={
                result && "values" in result
                  ? result.values
                  : {
                      title: "",
                      description: "",
                      category: "Technology",
                      language: "en",
                      author: "",
                      explicit: false,
                      artworkMediaId: null,
                      ownerEmail: null,
                      locked: true,
                    }
              }
              errors={errors?.fieldErrors ?? {}}
            />
            <SubmitButton pendingLabel="Creating…">Create show</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
