import { createMiddleware } from "hono/factory";
import { createDb } from "../../db/client";
import { appConfigFromEnv, localDbProxy, type Env } from "../env";
import { systemClock } from "../lib/clock";
import { FeedFetchRecorder } from "../services/analytics/recording";

const SHOW_FEED = /^\/feeds\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.xml$/i;

/** One per isolate and mode, like the enclosure recorders (docs/decisions/019). */
const recorders = { batched: new FeedFetchRecorder(), immediate: new FeedFetchRecorder(undefined, 0) };

/**
 * Records every fetch of a public show feed for the subscriber estimate (docs/decisions/035). It wraps the edge
 * cache (./edge-cache.ts), so hits and 304s answered from the cache are recorded too, without the database: the
 * daily salt is read in `waitUntil` through a handle opened only when this isolate has not cached it yet. Nothing
 * is awaited on the response path, and a failure never reaches the response.
 */
export const recordFeedFetches = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  await next();
  const method = c.req.method;
  const showId = SHOW_FEED.exec(new URL(c.req.url).pathname)?.[1]?.toLowerCase();
  if (!showId || (method !== "GET" && method !== "HEAD")) return;
  try {
    const env = c.env;
    const recorder = appConfigFromEnv(env).localTools ? recorders.immediate : recorders.batched;
    recorder.record({
      request: c.req.raw,
      response: c.res,
      showId,
      now: systemClock(),
      db: () => createDb({ databaseUrl: env.DATABASE_URL, localProxy: localDbProxy(env), readPath: env.DB_READ_PATH }),
      queue: env.ANALYTICS_QUEUE,
      waitUntil: (work) => c.executionCtx.waitUntil(work),
    });
  } catch (error) {
    console.error(JSON.stringify({ event: "analytics.record_failed", requests: 1, error: String(error) }));
  }
});
