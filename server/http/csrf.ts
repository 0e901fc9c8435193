import type { MiddlewareHandler } from "hono";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Rejects state-changing requests that a browser sent from another site. Browsers always send Origin on
 * cross-origin POSTs and Sec-Fetch-Site on modern engines; a request with neither is not from a browser page
 * and carries no ambient cookie risk. Webhooks are exempt: they authenticate by signature.
 */
export function sameOriginWrites(opts: {
  allowedOrigins: (requestUrl: URL) => string[];
  exemptPrefixes: string[];
}): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (SAFE_METHODS.has(c.req.method) || opts.exemptPrefixes.some((p) => url.pathname.startsWith(p))) return next();
    const origin = c.req.header("origin");
    const fetchSite = c.req.header("sec-fetch-site");
    const allowed = opts.allowedOrigins(url);
    const crossOrigin =
      (origin !== undefined && !allowed.includes(origin)) ||
      (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none");
    if (crossOrigin) {
      return c.json({ error: { code: "FORBIDDEN", message: "Cross-site request refused." } }, 403);
    }
    return next();
  };
}
