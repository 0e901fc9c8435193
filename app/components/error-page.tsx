import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const HEADINGS: Record<number, string> = {
  400: "That request did not work",
  403: "You do not have access to this page",
  404: "Page not found",
  429: "Too many requests",
};

/** What went wrong, in plain words. Routes inside the app shell render it in the shell's <main>. */
export function ErrorPanel() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail = isRouteErrorResponse(error) && typeof error.data === "string" && error.data ? error.data : null;
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <div className="card error-panel">
      <p className="eyebrow">Error {status}</p>
      <h1>{HEADINGS[status] ?? "Something went wrong"}</h1>
      <p>
        {detail ??
          (status >= 500
            ? "Something went wrong on our side. Try again in a moment."
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
