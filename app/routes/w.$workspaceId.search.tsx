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

interface HitGroup {
  key: string;
  hits: Hit[];
}

/** Hits arrive with each group's hits adjacent (the service orders them so); one group per episode or transcript. */
function groupHits(items: Hit[]): HitGroup[] {
  const groups: HitGroup[] = [];
  for (const hit of items) {
    const last = groups.at(-1);
    if (last?.key === hit.groupKey) last.hits.push(hit);
    else groups.push({ key: hit.groupKey, hits: [hit] });
  }
  return groups;
}

const matches = (n: number) => `${n} ${n === 1 ? "match" : "matches"}`;

function GroupItem({ group, workspaceId }: { group: HitGroup; workspaceId: string }) {
  const [first] = group.hits;
  const total = first.groupHits;
  const title = first.episodeTitle ?? first.mediaFilename ?? "Transcript";
  const titleLink = first.episodeId
    ? `/w/${workspaceId}/episodes/${first.episodeId}`
    : `/w/${workspaceId}/transcripts/${first.transcriptId}`;
  return (
    <li className="search-group">
      <p className="search-hit-meta">
        <span className="badge">{first.episodeId ? "Episode" : "Transcript"}</span> {first.showTitle}
      </p>
      <h3>
        <Link to={titleLink}>{title}</Link> <span className="search-group-count">{matches(total)}</span>
      </h3>
      <ol className="search-results" aria-label={`Matches in ${title}`}>
        {group.hits.map((hit) => (
          <li key={`${hit.kind}-${hit.id}`} className="search-hit">
            {hit.kind === "episode" ? (
              <p className="search-hit-where">Title and show notes</p>
            ) : (
              <p className="search-hit-where">
                <Link to={`/w/${workspaceId}/transcripts/${hit.transcriptId}?t=${hit.startMs}`}>
                  <span className="timestamp">{formatTimestamp(hit.startMs ?? 0)}</span>
                  {hit.speaker ? ` ${hit.speaker}` : ""}
                  <span className="visually-hidden"> in the transcript of {title}</span>
                </Link>
              </p>
            )}
            <Snippet parts={hit.snippet} />
          </li>
        ))}
      </ol>
      {total > group.hits.length ? (
        <p className="muted">{matches(total - group.hits.length)} more on other pages of results.</p>
      ) : null}
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
          <ol className="search-groups">
            {groupHits(results.items).map((group) => (
              <GroupItem key={group.key} group={group} workspaceId={workspaceId} />
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
