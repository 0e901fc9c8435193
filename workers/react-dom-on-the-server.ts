/**
 * What the Worker bundle gets for a bare `import "react-dom"` (wrangler.toml [alias]). The server renders with
 * react-dom/server only; react-router-dom, the one importer, reads nothing of react-dom but flushSync, which it
 * calls for client-side navigations that never happen on the server. Leaving React's client reconciler out of
 * the Worker saves ~130 KiB minified and the CPU of evaluating it at every cold start. The browser build is not
 * affected.
 */
export function flushSync<Result>(update: () => Result): Result {
  return update();
}
