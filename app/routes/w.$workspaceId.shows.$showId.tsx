import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CopyField } from "../components/copy-field";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { ListenLinkFields, listenFieldValues, listenLinksFrom } from "../components/listen-links";
import { SHOW_FIELD_LABELS, ShowFields, showValuesFrom } from "../components/show-fields";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDate, formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { episodeCode, optionalNumber, STATUS_BADGES, STATUS_LABELS } from "../lib/podcasts";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import podcastStyles from "../styles/podcasts.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: podcastStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data?.show.title, "Shows", workspaceNameFrom(matches)) },
];

const PAGE_SIZE = 20;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const showId = params.showId ?? "";
  const cursor = new URL(request.url).searchParams.get("cursor");
  try {
    const [show, episodes, images] = await Promise.all([
      context.api.podcasts.getShow({ workspaceId, showId }),
      context.api.podcasts.listEpisodes({ workspaceId, showId, limit: PAGE_SIZE, cursor }),
      context.api.podcasts.listMediaChoices({ workspaceId, kind: "image" }),
    ]);
    return { show, episodes, images, firstPage: !cursor };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const showId = params.showId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const api = context.api.podcasts;
  try {
    switch (intent) {
      case "update-show": {
        await api.updateShow({ workspaceId, showId, ...showValuesFrom(form), listenLinks: listenLinksFrom(form) });
        return {
          intent,
          notice: "Show settings saved. Podcast apps pick up the change on their next visit to the feed.",
        };
      }
      case "create-episode": {
        const episode = await api.createEpisode({
          workspaceId,
          showId,
          title: text(form, "title"),
          seasonNumber: optionalNumber(form, "seasonNumber"),
          episodeNumber: optionalNumber(form, "episodeNumber"),
        });
        throw redirect(`/w/${workspaceId}/episodes/${episode.id}`);
      }
      case "delete-show":
        await api.deleteShow({ workspaceId, showId });
        throw redirect(`/w/${workspaceId}/shows`);
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, {
      intent,
      values: Object.fromEntries([...form].map(([key, value]) => [key, String(value)])),
    });
  }
}

export default function ShowPage() {
  const { show, episodes, images, firstPage } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const editor = can(workspace.role, "content.write");
  const showErrors = errorsOf(result, "update-show");
  const episodeErrors = errorsOf(result, "create-episode");
  const failedValues = result && "values" in result ? result.values : null;
  const base = `/w/${workspace.id}`;
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to={`${base}/shows`}>Shows</Link>
          </p>
          <h1>{show.title}</h1>
          <p className="lead">{show.description || "No description yet."}</p>
        </div>
        {show.artworkUrl ? <img className="show-artwork" src={show.artworkUrl} alt="" width={96} height={96} /> : null}
      </div>
      <Notice message={noticeOf(result)} />

      <section className="card" aria-labelledby="feed-heading">
        <h2 id="feed-heading">Publishing</h2>
        <p className="muted">
          Submit this address to Apple Podcasts, Spotify and other directories. Only published episodes appear in it.
        </p>
        <CopyField id="feed-url" label="RSS feed" value={show.feedUrl} />
        <p>
          <a href={show.pageUrl}>Public show page</a>
        </p>
      </section>

      <section className="card" aria-labelledby="episodes-heading">
        <div className="section-header">
          <h2 id="episodes-heading">Episodes</h2>
        </div>
        {episodes.items.length === 0 ? (
          <p className="muted">{firstPage ? "No episodes yet." : "No more episodes."}</p>
        ) : (
          <ul className="episode-list">
            {episodes.items.map((episode) => (
              <li key={episode.id} className="episode-row">
                <div>
                  <Link to={`${base}/episodes/${episode.id}`} className="episode-title">
                    {episode.title}
                  </Link>
                  <span className="cell-sub">
                    {[
                      episodeCode(episode),
                      episode.status === "published" && episode.publishedAt
                        ? `Published ${formatDate(episode.publishedAt)}`
                        : episode.status === "scheduled" && episode.publishAt
                          ? `Goes live ${formatDateTime(episode.publishAt)}`
                          : `Created ${formatDate(episode.createdAt)}`,
                      episode.hasAudio ? null : "No audio yet",
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </span>
                </div>
                <span className={STATUS_BADGES[episode.status]}>{STATUS_LABELS[episode.status]}</span>
              </li>
            ))}
          </ul>
        )}
        {episodes.nextCursor || !firstPage ? (
          <nav className="pagination" aria-label="Episode list pages">
            {!firstPage ? (
              <Link className="button button-secondary button-small" to={`${base}/shows/${show.id}`}>
                ← Newest
              </Link>
            ) : null}
            {episodes.nextCursor ? (
              <Link
                className="button button-secondary button-small"
                to={`${base}/shows/${show.id}?cursor=${encodeURIComponent(episodes.nextCursor)}`}
              >
                Older →
              </Link>
            ) : null}
          </nav>
        ) : null}

        {editor ? (
          <div className="subsection" id="new-episode">
            <h3>New episode</h3>
            <ErrorSummary
              errors={episodeErrors}
              labels={{ title: "Title", seasonNumber: "Season", episodeNumber: "Episode number" }}
              idPrefix="new-"
            />
            <Form method="post" className="new-episode-form" noValidate>
              <Field
                label="Title"
                name="title"
                id="new-title"
                required
                maxLength={200}
                defaultValue={episodeErrors ? failedValues?.title : ""}
                errors={episodeErrors?.fieldErrors.title}
              />
              <Field
                label="Season"
                name="seasonNumber"
                id="new-seasonNumber"
                inputMode="numeric"
                defaultValue={episodeErrors ? failedValues?.seasonNumber : ""}
                errors={episodeErrors?.fieldErrors.seasonNumber}
              />
              <Field
                label="Episode number"
                name="episodeNumber"
                id="new-episodeNumber"
                inputMode="numeric"
                defaultValue={episodeErrors ? failedValues?.episodeNumber : ""}
                errors={episodeErrors?.fieldErrors.episodeNumber}
              />
              <SubmitButton intent="create-episode" pendingLabel="Creating…">
                Create draft
              </SubmitButton>
            </Form>
          </div>
        ) : null}
      </section>

      {editor ? (
        <section className="card page-narrow-card" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Show settings</h2>
          <ErrorSummary errors={showErrors} labels={{ ...SHOW_FIELD_LABELS, listenLinks: "Listen on" }} />
          <Form method="post" className="stack" noValidate>
            <ShowFields
              values={
                showErrors && failedValues
                  ? {
                      ...show,
                      ...failedValues,
                      explicit: failedValues.explicit === "on",
                      artworkMediaId: failedValues.artworkMediaId || null,
                      ownerEmail: failedValues.ownerEmail || null,
                      locked: failedValues.locked === "on",
                    }
                  : show
              }
              errors={showErrors?.fieldErrors ?? {}}
              images={images}
            />
            <ListenLinkFields
              values={listenFieldValues(show.listenLinks, showErrors ? failedValues : null)}
              errors={showErrors?.fieldErrors.listenLinks}
            />
            <SubmitButton intent="update-show" pendingLabel="Saving…">
              Save settings
            </SubmitButton>
          </Form>
        </section>
      ) : (
        <section className="card page-narrow-card" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Show details</h2>
          <dl className="summary-list">
            <div>
              <dt>Category</dt>
              <dd>{show.category.replace(" > ", " › ")}</dd>
            </div>
            <div>
              <dt>Language</dt>
              <dd>{show.language}</dd>
            </div>
            <div>
              <dt>Author</dt>
              <dd>{show.author || "—"}</dd>
            </div>
            <div>
              <dt>Explicit</dt>
              <dd>{show.explicit ? "Yes" : "No"}</dd>
            </div>
          </dl>
          <p className="muted">Editors, admins and owners can change the show.</p>
        </section>
      )}

      {editor ? (
        <section className="card card-danger" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete show</h2>
          <ErrorSummary errors={errorsOf(result, "delete-show")} />
          <p>Deletes the show, its episodes and its feed. Media files stay in the library.</p>
          <details className="confirm">
            <summary className="button button-danger-quiet">Delete show</summary>
            <div className="confirm-panel">
              <p>Delete “{show.title}” and all its episodes? Podcast apps will stop receiving new episodes.</p>
              <Form method="post">
                <SubmitButton intent="delete-show" className="button button-danger" pendingLabel="Deleting…">
                  Yes, delete the show
                </SubmitButton>
              </Form>
            </div>
          </details>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
