import { createMiddleware } from "hono/factory";
import { appConfigFromEnv, type Env } from "../env";
import { CACHE_STATUS_HEADER, EDGE_TTL_SECONDS, edgeCache } from "../lib/edge-cache";
import { readSessionToken } from "./session-cookie";

const ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** Public documents that read the same for every visitor: feeds, episode files, show and episode pages. */
const PUBLIC_DOCUMENTS = [
  new RegExp(`^/feeds/${ID}\\.xml$`, "i"),
  new RegExp(`^/feeds/${ID}/episodes/${ID}/(transcript\\.vtt|transcript\\.srt|chapters\\.json)$`, "i"),
  // Shifted for one ad arrangement: the id names immutable bytes, so the copy is the same for everyone (ADR 024).
  new RegExp(
    `^/feeds/${ID}/episodes/${ID}/arrangements/[0-9a-f]{24}/(transcript\\.vtt|transcript\\.srt|chapters\\.json)$`,
    "i",
  ),
  new RegExp(`^/p/${ID}(/${ID})?$`, "i"),
  // A post page is shareable only when the post is public: gated posts answer `private, no-store` (ADR 026).
  new RegExp(`^/c/${ID}/posts/${ID}$`, "i"),
];
/**
 * Query parameters a render reads: Remix's own (`?_data` answers with a route's loader data, `?index` picks the
 * index route) and the comment thread's page cursor (`?comments=`, "Older comments" under episodes and posts, ADR
 * 027). Such requests bypass the cache: neither answered from the first page's copy nor stored (an older page is
 * read rarely, and its copies would escape the purge, which knows only the path). Any other parameter (tracking,
 * cache-busting) is ignored: the key is the path, so a query string can neither force a render nor store a copy of
 * its own.
 */
const RENDERED_PARAMS = ["_data", "_routes", "index", "comments"];
/** With local tools on (development, test), `bypass` renders without the cache; the bench compares both. */
export const CACHE_BYPASS_HEADER = "x-greenroom-edge-cache";
/** The response's own Cache-Control for browsers and apps, kept while the stored copy carries the edge TTL. */
const CLIENT_CACHE_CONTROL = "x-greenroom-client-cache-control";
/** Request-scoped headers the HTTP layer adds (database counts, local tools only); a stored copy must not replay them. */
const REQUEST_SCOPED = ["x-greenroom-db-queries", "x-greenroom-db-waves", "x-greenroom-db-setups"];

/** If-None-Match holds one ETag, a list, or "*"; weak validators compare equal for GET. */
export function matchesEtag(header: string | undefined | null, etag: string) {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const value = candidate.trim();
    return value === "*" || value.replace(/^W\//, "") === etag;
  });
}

async function etagOf(body: ArrayBuffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return `"${[...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

/**
 * Only what every anonymous visitor may see: a 200 marked public, without cookies or per-request variation.
 * A signed-in request never reaches this check (it bypasses the cache), so this guards what a handler returns.
 */
export function isShareable(response: Response) {
  const cacheControl = (response.headers.get("cache-control") ?? "").toLowerCase();
  return (
    response.status === 200 &&
    !response.headers.has("set-cookie") &&
    /\bpublic\b/.test(cacheControl) &&
    !/\b(private|no-store|no-cache)\b/.test(cacheControl) &&
    (response.headers.get("vary") ?? "").trim() !== "*"
  );
}

/** The copy handed to the client: a 304 when its validator matches, the body otherwise (none for HEAD). */
function answer(opts: { request: Request; headers: Headers; body: ArrayBuffer | null; status: number }) {
  const etag = opts.headers.get("etag");
  if (etag && matchesEtag(opts.request.headers.get("if-none-match"), etag)) {
    const headers = new Headers(opts.headers);
    for (const name of ["content-type", "content-length"]) headers.delete(name);
    return new Response(null, { status: 304, headers });
  }
  return new Response(opts.request.method === "HEAD" ? null : opts.body, {
    status: opts.status,
    headers: opts.headers,
  });
}

/**
 * Serves public documents from this colo's Cache API with no database work on a hit, and answers If-None-Match
 * from the stored ETag without rendering. Runs before the database middleware, so a hit never opens a pool.
 * Requests carrying a session or credentials bypass the cache: they are neither answered from nor stored in it,
 * though their public documents still get an ETag and 304s.
 */
export const publicEdgeCache = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const request = c.req.raw;
  const url = new URL(request.url);
  if (
    (request.method !== "GET" && request.method !== "HEAD") ||
    !PUBLIC_DOCUMENTS.some((path) => path.test(url.pathname))
  )
    return next();
  const config = appConfigFromEnv(c.env);
  const personal =
    request.headers.has("authorization") || readSessionToken(request.headers.get("cookie"), config) !== null;
  const bypass =
    RENDERED_PARAMS.some((name) => url.searchParams.has(name)) ||
    (config.localTools && request.headers.get(CACHE_BYPASS_HEADER) === "bypass");
  const cache = personal || bypass ? null : edgeCache();
  // Keyed by the canonical public URL, so purges computed from APP_URL find entries whatever host was used. Ids
  // are uuids, which Postgres reads case-insensitively: one lower-case key, so a case variant neither dodges a
  // purge nor holds a copy of its own.
  const key = `${config.appUrl}${url.pathname.toLowerCase()}`;

  const hit = await cache?.match(key);
  if (hit) {
    const headers = new Headers(hit.headers);
    headers.set("cache-control", headers.get(CLIENT_CACHE_CONTROL) ?? "public");
    headers.delete(CLIENT_CACHE_CONTROL);
    headers.set(CACHE_STATUS_HEADER, "HIT");
    if (config.localTools) for (const name of REQUEST_SCOPED) headers.set(name, "0");
    const unchanged = matchesEtag(request.headers.get("if-none-match"), headers.get("etag") ?? "");
    if (unchanged) await hit.body?.cancel();
    return answer({ request, headers, body: unchanged ? null : await hit.arrayBuffer(), status: hit.status });
  }

  await next();
  const response = c.res;
  if (!isShareable(response)) return;
  const body = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  if (!headers.has("etag")) headers.set("etag", await etagOf(body));

  if (cache && request.method === "GET") {
    headers.set(CACHE_STATUS_HEADER, "MISS");
    const stored = new Headers(headers);
    for (const name of REQUEST_SCOPED) stored.delete(name);
    stored.set(CLIENT_CACHE_CONTROL, headers.get("cache-control") ?? "public");
    stored.set("cache-control", `public, max-age=${EDGE_TTL_SECONDS}`);
    c.executionCtx.waitUntil(cache.put(key, new Response(body, { status: response.status, headers: stored })));
  }
  c.res = undefined;
  c.res = answer({ request, headers, body, status: response.status });
});
