import {
  data as routeData,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { useRef } from "react";
import { PublicErrorPage, type PublicNotFound } from "../components/error-page";
import { CommentsSection } from "../components/comments";
import { ListenOn, PublicPage, shareMeta, ShowNotes, summaryOf } from "../components/public-podcast";
import { loadEpisodeComments } from "../lib/comments.server";
import { isMalformedAddress, isProcedureError, throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { episodeCode, formatDuration, formatTimestamp } from "../lib/podcasts";
import commentStyles from "../styles/comments.css?url";
import podcastStyles from "../styles/podcasts.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: podcastStyles },
  { rel: "stylesheet", href: commentStyles },
];

/** Published pages are the same for everyone; a minute of caching keeps an unpublish prompt. */
export const headers: HeadersFunction = () => ({ "cache-control": "public, max-age=60" });

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Episode not found" }];
  const { show, episode } = data;
  const description = summaryOf(
    episode.description || show.description || `${episode.title}, an episode of ${show.title}.`,
  );
  return [
    { title: `${episode.title} · ${show.title}` },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: episode.pageUrl },
    { tagName: "link", rel: "alternate", type: "application/rss+xml", title: show.title, href: show.feedUrl },
    ...shareMeta({
      type: "website",
      title: episode.title,
      description,
      url: episode.pageUrl,
      siteName: show.title,
      imageUrl: show.artworkUrl,
      imageAlt: `Artwork of ${show.title}`,
      // A gated episode's card carries its teaser and no audio (ADR 028).
      audio: episode.audio ?? undefined,
    }),
  ];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    // The comments are read beside the episode, in the same wave (ADR 027); a thread that cannot be shown is left out.
    const [page, comments] = await Promise.all([
      context.api.podcasts.getPublicEpisode({ showId: params.showId ?? "", episodeId: params.episodeId ?? "" }),
      loadEpisodeComments(context, params.episodeId ?? "", new URL(request.url).searchParams.get("comments")),
    ]);
    return { ...page, comments };
  } catch (error) {
    if (isProcedureError(error) && (error.code === "NOT_FOUND" || isMalformedAddress(error)))
      await throwEpisodeNotFound(context, params.showId);
    throwLoaderError(error, request);
  }
}

/**
 * A listener who followed a stale or cut-short episode link is pointed at the show when the show is there.
 * Reading the show costs one more round trip, only on this error path (a 404 is never cached).
 */
async function throwEpisodeNotFound(context: LoaderFunctionArgs["context"], showId: string | undefined) {
  const found = await context.api.podcasts.getPublicShow({ showId: showId ?? "", limit: 1 }).catch(() => null);
  if (!found) return;
  const show: PublicNotFound = { showTitle: found.show.title, showUrl: found.show.pageUrl };
  throw routeData(show, { status: 404 });
}

export default function PublicEpisode() {
  const { show, episode, transcript, comments, paywall } = useLoaderData<typeof loader>();
  const player = useRef<HTMLAudioElement>(null);
  /** With JavaScript a timestamp plays from there; without it, it is an anchor to the line. */
  const seek = (ms: number) => (event: React.MouseEvent) => {
    if (!player.current) return;
    event.preventDefault();
    player.current.currentTime = ms / 1000;
    void player.current.play().catch(() => undefined);
  };
  const facts = [
    episodeCode(episode),
    episode.publishedAt ? formatDate(episode.publishedAt) : null,
    formatDuration(episode.durationSeconds),
  ].filter(Boolean);
  return (
    <PublicPage show={show}>
      <article className="public-episode">
        <header>
          {facts.length ? <p className="eyebrow">{facts.join(" · ")}</p> : null}
          <h1>{episode.title}</h1>
        </header>
        {episode.audio ? (
          <>
            <audio ref={player} controls preload="metadata" src={episode.audio.url} className="player">
              <a href={episode.audio.url}>Download the episode</a>
            </audio>
            <p className="public-links">
              <a href={episode.audio.url} download>
                Download audio
              </a>
              {transcript ? <a href={transcript.vttUrl}>Transcript (WebVTT)</a> : null}
            </p>
          </>
        ) : null}
        {paywall ? (
          <section aria-labelledby="paywall-heading" className="public-section paywall">
            <h2 id="paywall-heading">Members only</h2>
            <p>{paywall.message}</p>
            {paywall.action ? (
              <p>
                <a href={paywall.action.href} className="button">
                  {paywall.action.label}
                </a>
              </p>
            ) : null}
          </section>
        ) : null}
        <ListenOn links={show.listenLinks} feedUrl={show.feedUrl} />

        {episode.description ? (
          <section aria-labelledby="notes-heading" className="public-section">
            <h2 id="notes-heading">{episode.locked ? "About this episode" : "Show notes"}</h2>
            <ShowNotes text={episode.description} />
          </section>
        ) : null}

        {transcript && transcript.chapters.length > 0 ? (
          <section aria-labelledby="chapters-heading" className="public-section">
            <h2 id="chapters-heading">Chapters</h2>
            <ol className="chapters">
              {transcript.chapters.map((chapter) => (
                <li key={`${chapter.startMs}-${chapter.title}`}>
                  <a href={`#t-${chapter.startMs}`} onClick={seek(chapter.startMs)} className="timestamp">
                    {formatTimestamp(chapter.startMs)}
                  </a>{" "}
                  {chapter.title}
                </li>
              ))}
            </ol>
          </section>
        ) : null}

        {transcript ? (
          <section
            aria-labelledby="transcript-heading"
            className="public-section"
            lang={transcript.language ?? undefined}
          >
            <h2 id="transcript-heading">Transcript</h2>
            {transcript.segments.length === 0 ? (
              <p className="muted">The transcript is empty.</p>
            ) : (
              <ol className="transcript">
                {transcript.segments.map((segment) => (
                  <li key={segment.startMs + segment.text.slice(0, 16)} id={`t-${segment.startMs}`}>
                    <a href={`#t-${segment.startMs}`} onClick={seek(segment.startMs)} className="timestamp">
                      {formatTimestamp(segment.startMs)}
                    </a>
                    <p>
                      {segment.speaker ? <strong>{segment.speaker}: </strong> : null}
                      {segment.text}
                    </p>
                  </li>
                ))}
              </ol>
            )}
          </section>
        ) : null}
        {comments ? <CommentsSection thread={comments} back={new URL(episode.pageUrl).pathname} /> : null}
      </article>
    </PublicPage>
  );
}

export function ErrorBoundary() {
  return <PublicErrorPage />;
}
