import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { useRef, useState } from "react";
import { PublicErrorPage } from "../components/error-page";
import { ListenOn, PublicPage, shareMeta, summaryOf } from "../components/public-podcast";
import { throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { episodeCode, formatDuration } from "../lib/podcasts";
import podcastStyles from "../styles/podcasts.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: podcastStyles }];
export const headers: HeadersFunction = () => ({ "cache-control": "public, max-age=60" });

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Show not found" }];
  const { show } = data;
  const description = summaryOf(show.description || `${show.title}, a podcast.`);
  return [
    { title: show.title },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: show.pageUrl },
    { tagName: "link", rel: "alternate", type: "application/rss+xml", title: show.title, href: show.feedUrl },
    ...shareMeta({
      type: "website",
      title: show.title,
      description,
      url: show.pageUrl,
      siteName: show.title,
      imageUrl: show.artworkUrl,
      imageAlt: `Artwork of ${show.title}`,
    }),
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
  const player = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState<{ id: string; title: string; url: string } | null>(null);
  /** With JavaScript, Play starts the episode in the player at the foot of the page; without it, it opens the episode. */
  const play = (episode: (typeof episodes)[number]) => (event: React.MouseEvent) => {
    if (!player.current || !episode.audio) return;
    event.preventDefault();
    if (playing?.id !== episode.id) {
      player.current.src = episode.audio.url;
      setPlaying({ id: episode.id, title: episode.title, url: episode.pageUrl });
    }
    void player.current.play().catch(() => undefined);
  };
  return (
    <PublicPage show={show}>
      <div className={show.artworkUrl ? "public-hero has-artwork" : "public-hero"}>
        {show.artworkUrl ? (
          <img
            src={show.artworkUrl}
            alt={`Artwork of ${show.title}`}
            width={320}
            height={320}
            className="public-hero-artwork"
          />
        ) : null}
        <div className="public-hero-text">
          <h1>{show.title}</h1>
          {show.author ? <p className="public-hero-author">{show.author}</p> : null}
          <ListenOn links={show.listenLinks} feedUrl={show.feedUrl} />
        </div>
      </div>
      {show.description ? (
        <section aria-labelledby="about-heading" className="public-section">
          <h2 id="about-heading">About the show</h2>
          <p className="show-notes">{show.description}</p>
        </section>
      ) : null}
      <section aria-labelledby="episodes-heading" className="public-section">
        <h2 id="episodes-heading">Episodes</h2>
        {episodes.length === 0 ? (
          <p className="muted">No episodes have been published yet.</p>
        ) : (
          <ol className="public-episode-list">
            {episodes.map((episode) => (
              <li key={episode.id} className="public-episode-item">
                {episode.locked ? (
                  // Members' episodes play in each member's private feed, never from the public page (ADR 028).
                  <a href={episode.pageUrl} className="button button-small play-button">
                    Members
                  </a>
                ) : (
                  <a
                    href={episode.pageUrl}
                    onClick={play(episode)}
                    className="button button-small play-button"
                    aria-label={`Play ${episode.title}`}
                    aria-current={playing?.id === episode.id ? "true" : undefined}
                  >
                    <span aria-hidden="true">▶</span> Play
                  </a>
                )}
                <div className="public-episode-text">
                  <h3 className="public-episode-title">
                    <a href={episode.pageUrl}>{episode.title}</a>
                  </h3>
                  <p className="cell-sub">
                    {[
                      episodeCode(episode),
                      episode.publishedAt ? formatDate(episode.publishedAt) : null,
                      formatDuration(episode.durationSeconds),
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </p>
                  {episode.description ? (
                    <p className="public-episode-summary">{summaryOf(episode.description, 240)}</p>
                  ) : null}
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
      <div className={playing ? "public-player is-playing" : "public-player"} aria-live="polite">
        {playing ? (
          <p className="public-player-title">
            Now playing: <a href={playing.url}>{playing.title}</a>
          </p>
        ) : null}
        {/* Present from the first render so Play can start it; hidden until something is chosen. */}
        <audio ref={player} controls preload="none" className="player" hidden={!playing} aria-label="Episode player" />
      </div>
    </PublicPage>
  );
}

export function ErrorBoundary() {
  return <PublicErrorPage />;
}
