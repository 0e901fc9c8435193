import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const HEADINGS: Record<number, string> = {
  400: "That request did not work",
  403: "You do not have access to this page",
  404: "Page not found",
  429: "Too many requests",
};

/**
 * The words a route error may show: only a message the app wrote itself. Remix's own responses (an unmatched
 * URL, a missing action) are marked `internal` and name routes and URLs, so they are never shown.
 */
function messageOf(error: unknown): string | null {
  // `internal` is on React Router's ErrorResponseImpl, not on the public ErrorResponse type.
  if (!isRouteErrorResponse(error) || (error as { internal?: boolean }).internal) return null;
  return typeof error.data === "string" && error.data ? error.data : null;
}

/** What went wrong, in plain words. Routes inside the app shell render it in the shell's <main>. */
export function ErrorPanel() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail = messageOf(error);
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <div className="card error-panel">
      <p className="eyebrow">Error {status}</p>
      <h1>{HEADINGS[status] ?? "Something went wrong"}</h1>
      <p>
        {detail ??
          (status >= 500
            ? "Something went wrong on our side. Try again in a moment."
            : status === 404
              ? "The link may be mistyped or cut short. Check the address, or go back to your dashboard."
              : "Check the address, or go back to your dashboard.")}
      </p>
      {status === 403 ? <p className="muted">If you need access, ask an owner or admin of this workspace.</p> : null}
      <p>
        <Link className="button" to="/app">
          Go to your dashboard
        </Link>
      </p>
    </div>
  );
}

/** A whole page around the panel, for errors outside the app shell. */
export function ErrorPage() {
  return (
    <main id="main" tabIndex={-1} className="centered-page">
      <ErrorPanel />
    </main>
  );
}

/** What a public page's loader throws when the show is known but the episode is not there (any more). */
export interface PublicNotFound {
  showTitle: string;
  showUrl: string;
}

const isPublicNotFound = (data: unknown): data is PublicNotFound =>
  typeof data === "object" &&
  data !== null &&
  typeof (data as PublicNotFound).showTitle === "string" &&
  typeof (data as PublicNotFound).showUrl === "string";

/**
 * The error page of the public show and episode pages, for listeners: no dashboard, no sign-in, and a way back
 * to the show when the show is known.
 */
export function PublicErrorPage() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (!isRouteErrorResponse(error)) console.error(error);
  const show = isRouteErrorResponse(error) && isPublicNotFound(error.data) ? error.data : null;
  return (
    <main id="main" tabIndex={-1} className="centered-page">
      <div className="card error-panel">
        <p className="eyebrow">Error {status}</p>
        {status === 404 ? (
          <>
            <h1>{show ? "This episode is not available" : "This podcast page does not exist"}</h1>
            <p>
              {show
                ? "The link may be mistyped or cut short, or the episode is no longer published."
                : "The link may be mistyped or cut short, or the show is no longer published."}
            </p>
            {show ? (
              <p>
                <a className="button" href={show.showUrl}>
                  See all episodes of {show.showTitle}
                </a>
              </p>
            ) : null}
          </>
        ) : (
          <>
            <h1>{HEADINGS[status] ?? "Something went wrong"}</h1>
            <p>Something went wrong loading this page. Try again in a moment.</p>
          </>
        )}
      </div>
    </main>
  );
}
