import {
  data,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { PublicErrorPage } from "../components/error-page";
import { shareMeta, summaryOf } from "../components/public-podcast";
import { CommentsSection } from "../components/comments";
import { BrandLink } from "../components/shell";
import { loadThread } from "../lib/comments.server";
import { throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import podcastStyles from "../styles/podcasts.css?url";
import commentStyles from "../styles/comments.css?url";
import postStyles from "../styles/posts.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: podcastStyles },
  { rel: "stylesheet", href: postStyles },
  { rel: "stylesheet", href: commentStyles },
];

/**
 * A public post read by anyone is the same document for everyone and may sit in the edge cache (ADR 017); any
 * other answer depends on who asks (a teaser and a call to action, or a body only some may read) and is never
 * stored anywhere.
 */
export const headers: HeadersFunction = ({ loaderHeaders }) => ({
  "cache-control": loaderHeaders.get("cache-control") ?? "private, no-store",
});

/** Open Graph tags carry the title and the teaser only: a shared link never unfurls a gated body. */
export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Post not found" }];
  const { post, workspace } = data;
  const description = summaryOf(post.excerpt || `A post by ${workspace.name}.`);
  return [
    { title: `${post.title} · ${workspace.name}` },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: post.pageUrl },
    ...shareMeta({
      type: "website",
      title: post.title,
      description,
      url: post.pageUrl,
      siteName: workspace.name,
      imageUrl: null,
      imageAlt: "",
    }),
  ];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    const workspaceId = params.workspaceId ?? "";
    const postId = params.postId ?? "";
    // The thread is read beside the post, in the same wave (ADR 027); it obeys the post's own gate.
    const [page, comments] = await Promise.all([
      context.api.posts.getPublic({ workspaceId, postId }),
      loadThread(
        context,
        { targetKind: "post", targetId: postId, workspaceId },
        new URL(request.url).searchParams.get("comments"),
      ),
    ]);
    const shareable = page.post.visibility === "public" && page.access.reason === "public";
    return data(
      { ...page, comments },
      { headers: { "cache-control": shareable ? "public, max-age=60" : "private, no-store" } },
    );
  } catch (error) {
    throwLoaderError(error, request);
  }
}

/** The paywall's words for each of the gate's reasons. */
const CALLS: Record<"sign_in" | "join" | "upgrade" | "blocked", string> = {
  sign_in: "This post is for members. Sign in or join to read it.",
  join: "This post is for members. Join to read it.",
  upgrade: "This post is for a membership you do not have yet. Upgrade to read it.",
  blocked: "You cannot read this creator's members-only posts.",
};

export default function PublicPost() {
  const { post, workspace, access, comments } = useLoaderData<typeof loader>();
  return (
    <div className="public-shell">
      <header className="public-header">
        <a href={workspace.homeUrl} className="public-show">
          <span className="public-show-title">{workspace.name}</span>
        </a>
      </header>
      <main id="main" tabIndex={-1} className="public-main">
        <article className="post-article">
          <h1>{post.title}</h1>
          {post.publishedAt ? <p className="cell-sub">{formatDate(post.publishedAt)}</p> : null}
          {post.event ? (
            <p className="cell-sub">
              For ticket holders of <a href={post.event.pageUrl}>{post.event.title}</a>
            </p>
          ) : null}
          {post.bodyHtml !== null ? (
            // Sanitised on the server by the allow-list when it was saved (server/services/posts/sanitise.ts).
            <div className="post-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
          ) : (
            <>
              {post.excerpt ? <p className="post-teaser">{post.excerpt}</p> : null}
              {access.allowed ? null : post.event && access.reason !== "blocked" ? (
                // An event's recording: the way in is a ticket, so the call to action is the event page (ADR 034).
                <aside className="card paywall" aria-labelledby="paywall-heading" data-reason={access.reason}>
                  <h2 id="paywall-heading">This recording is for ticket holders of {post.event.title}.</h2>
                  <p>
                    <a className="button" href={post.event.pageUrl}>
                      See the event
                    </a>
                  </p>
                </aside>
              ) : (
                <aside className="card paywall" aria-labelledby="paywall-heading" data-reason={access.reason}>
                  <h2 id="paywall-heading">{CALLS[access.reason]}</h2>
                  {access.reason === "sign_in" ? (
                    <p className="button-row">
                      <a className="button" href={access.signInUrl}>
                        Sign in
                      </a>
                      <a className="button button-secondary" href={access.joinUrl}>
                        Join
                      </a>
                    </p>
                  ) : access.reason === "join" ? (
                    <p>
                      <a className="button" href={access.joinUrl}>
                        Join
                      </a>
                    </p>
                  ) : access.reason === "upgrade" ? (
                    <p>
                      <a className="button" href={access.accountUrl}>
                        Upgrade
                      </a>
                    </p>
                  ) : null}
                </aside>
              )}
            </>
          )}
        </article>
        {comments ? <CommentsSection thread={comments} back={new URL(post.pageUrl).pathname} /> : null}
      </main>
      <footer className="public-footer">
        <BrandLink to="/" />
      </footer>
    </div>
  );
}

export function ErrorBoundary() {
  return <PublicErrorPage />;
}
