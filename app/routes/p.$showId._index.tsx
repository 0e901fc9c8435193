import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { ErrorPage } from "../components/error-page";
import { PublicPage } from "../components/public-podcast";
import { throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { episodeCode, formatDuration } from "../lib/podcasts";
import podcastStyles from "../styles/podcasts.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: podcastStyles }];
export const headers: HeadersFunction = () => ({ "cache-control": "public, max-age=60" });

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Show not found" }];
  const { show } = data;
  const description = show.description.slice(0, 200) || `${show.title}, a podcast.`;
  return [
    { title: show.title },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: show.pageUrl },
    { tagName: "link", rel: "alternate", type: "application/rss+xml", title: show.title, href: show.feedUrl },
    { property: "og:type", content: "website" },
    { property: "og:title", content: show.title },
    { property: "og:description", content: description },
    { property: "og:url", content: show.pageUrl },
    ...(show.artworkUrl ? [{ property: "og:image", content: show.artworkUrl }] : []),
  ];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    return await context.api.podcasts.getPublicShow({ showId: params.showId ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export default function PublicShow() {
  const { show, episodes } = useLoaderData<typeof loader>();
  return (
    <PublicPage show={show}>
      <h1>{show.title}</h1>
      {show.description ? <p className="lead">{show.description}</p> : null}
      <p className="public-links">
        <a href={show.feedUrl}>RSS feed</a>
      </p>
      <section aria-labelledby="episodes-heading" className="public-section">
        <h2 id="episodes-heading">Episodes</h2>
        {episodes.length === 0 ? (
          <p className="muted">No episodes have been published yet.</p>
        ) : (
          <ol className="public-episode-list">
            {episodes.map((episode) => (
              <li key={episode.id}>
                <a href={episode.pageUrl} className="episode-title">
                  {episode.title}
                </a>
                <span className="cell-sub">
                  {[
                    episodeCode(episode),
                    episode.publishedAt ? formatDate(episode.publishedAt) : null,
                    formatDuration(episode.durationSeconds),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </PublicPage>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
