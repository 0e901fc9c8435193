import { Link } from "@remix-run/react";

export interface PagerLink {
  to: string;
  text: string;
}

/** Previous/next links for cursor-paginated lists; renders nothing when there is only one page. */
export function Pager({
  label,
  previous,
  next,
}: {
  label: string;
  previous?: PagerLink | null;
  next?: PagerLink | null;
}) {
  if (!previous && !next) return null;
  return (
    <nav className="pagination" aria-label={label}>
      {previous ? (
        <Link className="button button-secondary button-small" to={previous.to}>
          ← {previous.text}
        </Link>
      ) : null}
      {next ? (
        <Link className="button button-secondary button-small" to={next.to}>
          {next.text} →
        </Link>
      ) : null}
    </nav>
  );
}
