import { formatDate } from "../lib/format";

/**
 * The creator home page's latest-posts section (`/c/:workspaceId`): titles and teasers from `posts.listPublic`, the
 * same for every visitor (no body is ever in it), with a lock for posts that need a membership.
 */
export function LatestPosts({
  posts,
}: {
  posts: {
    id: string;
    title: string;
    excerpt: string;
    visibility: string;
    publishedAt: Date | null;
    pageUrl: string;
  }[];
}) {
  if (posts.length === 0) return null;
  return (
    <section aria-labelledby="latest-posts-heading" className="public-section">
      <h2 id="latest-posts-heading">Latest posts</h2>
      <ul className="stack">
        {posts.map((post) => (
          <li key={post.id}>
            <h3>
              <a href={post.pageUrl}>{post.title}</a>
              {post.visibility === "public" ? null : <span className="cell-sub"> · Members</span>}
            </h3>
            {post.publishedAt ? <p className="cell-sub">{formatDate(post.publishedAt)}</p> : null}
            {post.excerpt ? <p>{post.excerpt}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
