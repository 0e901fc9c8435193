import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { pageTitle } from "../lib/meta";
import { formatTimestamp } from "../lib/podcasts";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import podcastStyles from "../styles/podcasts.css?url";
import { Pager } from "../components/pager";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: podcastStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data?.q ? `“${data.q}”` : null, "Search", workspaceNameFrom(matches)) },
];

const PAGE_SIZE = 20;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  const cursor = url.searchParams.get("cursor");
  if (!q) return { q, results: null };
  try {
    const results = await context.api.search.query({
      workspaceId: params.workspaceId ?? "",
      q,
      limit: PAGE_SIZE,
      cursor,
    });
    return { q, results, offset: cursor ? Number(cursor) : 0 };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

type Hit = NonNullable<Awaited<ReturnType<typeof loader>>["results"]>["items"][number];

/** Highlights come as separate parts from the server: rendered as <mark> elements, the text always as text. */
function Snippet({ parts }: { parts: Hit["snippet"] }) {
  return (
    <p className="search-snippet">
      {parts.map((part, i) => (part.highlight ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </p>
  );
}

function HitItem({ hit, workspaceId }: { hit: Hit; workspaceId: string }) {
  const source = [hit.showTitle, hit.episodeTitle].filter(Boolean).join(" › ");
  if (hit.kind === "episode") {
    return (
      <li className="search-hit">
        <p className="search-hit-meta">
          <span className="badge">Episode</span> {hit.showTitle}
        </p>
        <h3>
          <Link to={`/w/${workspaceId}/episodes/${hit.episodeId}`}>{hit.episodeTitle}</Link>
        </h3>
        <Snippet parts={hit.snippet} />
      </li>
    );
  }
  return (
    <li className="search-hit">
      <p className="search-hit-meta">
        <span className="badge">Transcript</span> {source || hit.mediaFilename}
      </p>
      <h3>
        <Link to={`/w/${workspaceId}/transcripts/${hit.transcriptId}?t=${hit.startMs}`}>
          <span className="timestamp">{formatTimestamp(hit.startMs ?? 0)}</span>
          {hit.speaker ? ` ${hit.speaker}` : ""}
          <span className="visually-hidden"> in {source || hit.mediaFilename}</span>
        </Link>
      </h3>
      <Snippet parts={hit.snippet} />
    </li>
  );
}

export default function Search() {
  const loaded = useLoaderData<typeof loader>();
  const { q, results } = loaded;
  const offset = "offset" in loaded ? (loaded.offset ?? 0) : 0;
  const workspaceId = useWorkspaceLayout().workspace.id;
  const base = `/w/${workspaceId}/search`;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Search</h1>
          <p className="lead">
            Every transcript and episode in this workspace. Use quotes for a phrase and a minus to leave a word out.
          </p>
        </div>
      </div>
      <Form method="get" role="search" className="card search-form">
        <label htmlFor="q" className="visually-hidden">
          Search transcripts and episodes
        </label>
        <input
          id="q"
          name="q"
          type="search"
          defaultValue={q}
          maxLength={200}
          placeholder="Search transcripts and episodes"
        />
        <button type="submit" className="button">
          Search
        </button>
      </Form>

      {results === null ? (
        <p className="muted">Type a word or phrase that was said in an episode, or is in its title or show notes.</p>
      ) : results.items.length === 0 ? (
        <section className="card empty-state" aria-live="polite">
          <h2>{offset ? "No more results" : `Nothing found for “${q}”`}</h2>
          <p className="muted">
            Check the spelling, or try fewer or different words. Transcripts appear here once transcription has
            finished.
          </p>
        </section>
      ) : (
        <section className="card" aria-labelledby="results-heading">
          <h2 id="results-heading">
            Results {offset ? `${offset + 1}–${offset + results.items.length}` : ""} for “{q}”
          </h2>
          <ol className="search-results">
            {results.items.map((hit) => (
              <HitItem key={`${hit.kind}-${hit.id}`} hit={hit} workspaceId={workspaceId} />
            ))}
          </ol>
          <Pager
            label="Result pages"
            previous={offset ? { to: `${base}?${new URLSearchParams({ q })}`, text: "First results" } : null}
            next={
              results.nextCursor
                ? { to: `${base}?${new URLSearchParams({ q, cursor: results.nextCursor })}`, text: "More results" }
                : null
            }
          />
        </section>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
