import { createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono, type Context } from "hono";
import { createDb, RoundTripMeter } from "../db/client";
import { appConfigFromEnv, localDbProxy, type Env } from "./env";
import { capRequestBody, formBodiesOnly, MAX_REQUEST_BODY_BYTES } from "./http/body-limit";
import { refuseMisconfigured } from "./http/configuration-guard";
import { sameOriginWrites } from "./http/csrf";
import { publicEdgeCache } from "./http/edge-cache";
import { eventCalendarRoutes } from "./http/event-calendar";
import { recordFeedFetches } from "./http/feed-fetches";
import { feedRoutes } from "./http/feeds";
import { checkHealth } from "./http/health";
import { instagramOAuthRoutes } from "./http/instagram-oauth";
import { mediaRoutes } from "./http/media";
import { privateFeedRoutes } from "./http/private-feeds";
import { readSessionToken } from "./http/session-cookie";
import { socialMediaRoutes } from "./http/social-media";
import { stripeConnectWebhookRoutes } from "./http/stripe-connect-webhook";
import { stripeWebhookRoutes } from "./http/stripe-webhook";
import { transcriptExportRoutes } from "./http/transcript-exports";
import { uploadRoutes } from "./http/uploads";
import { systemClock } from "./lib/clock";
import { validateSessionToken } from "./services/auth/sessions";
import { assertBatchWithinBudget } from "./trpc/batch-cost";
import type { TrpcContext } from "./trpc/context";
import { registerEventsPaymentHandler } from "./services/events/orders";

type HonoEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

/** tRPC refuses batches larger than this, so one request cannot fan out into unbounded work. */
export const MAX_BATCH_SIZE = 10;
export const QUERY_COUNT_HEADER = "x-greenroom-db-queries";
/** Sequential database waves and connection setups of the request (db/round-trips.ts); local tools only. */
export const WAVE_COUNT_HEADER = "x-greenroom-db-waves";
export const SETUP_COUNT_HEADER = "x-greenroom-db-setups";
/** With local tools on, a request may ask for the pre-ADR-016 WebSocket read path, so the bench compares both. */
const READ_PATH_HEADER = "x-greenroom-db-read-path";

function readPathOf(env: Env, requested: string | undefined): Env["DB_READ_PATH"] {
  if (appConfigFromEnv(env).localTools && requested === "websocket") return "websocket";
  return env.DB_READ_PATH;
}

/**
 * The tRPC router is loaded on first use, not at start-up: its procedures build their zod schemas when the module
 * is evaluated, which feeds, media, webhooks and edge-cache hits never need (start-up CPU, ADR 017).
 */
const loadRouter = () => import("./trpc/router");

/** `remixBuild` is loaded on the first page request, for the same reason as the router. */
export function createApp(opts: { remixBuild: () => Promise<ServerBuild> }) {
  const app = new Hono<HonoEnv>();

  app.use("*", refuseMisconfigured);
  app.use(
    "*",
    sameOriginWrites({
      allowedOrigins: (url) => [url.origin],
      exemptPrefixes: ["/api/webhooks/"],
    }),
  );

  // Every public feed fetch is recorded for the subscriber estimate, cache hits included (docs/decisions/035).
  app.use("/feeds/*", recordFeedFetches);
  // Public feeds and pages come from this colo's cache before any database work (docs/decisions/017).
  app.use("*", publicEdgeCache);

  // One database handle per request (HTTP reads, a WebSocket pool only if a transaction asks), ended after the
  // response; the session is resolved once and shared by tRPC and Remix. With local tools on (development, test)
  // the request's queries, waves and connection setups are exposed for tests and the benchmark.
  app.use("*", async (c, next) => {
    const config = appConfigFromEnv(c.env);
    registerEventsPaymentHandler(config.appUrl);
    // Counting wraps every statement; only local tools (tests, the bench) read the counts.
    const meter = config.localTools ? new RoundTripMeter() : undefined;
    const handle = createDb({
      databaseUrl: c.env.DATABASE_URL,
      localProxy: localDbProxy(c.env),
      readPath: readPathOf(c.env, c.req.header(READ_PATH_HEADER)),
      meter,
      onQuery: meter ? () => meter.query() : undefined,
    });
    try {
      const url = new URL(c.req.url);
      const token = url.pathname === "/health" ? null : readSessionToken(c.req.header("cookie") ?? null, config);
      const auth = token
        ? await validateSessionToken({
            db: handle.db,
            token,
            clock: systemClock,
            background: (work) => c.executionCtx.waitUntil(work),
          })
        : null;
      c.set("trpc", {
        db: handle.db,
        env: c.env,
        config,
        meta: { ip: c.req.header("cf-connecting-ip") ?? null, userAgent: c.req.header("user-agent") ?? null },
        auth,
        clock: systemClock,
        responseHeaders: new Headers(),
      });
      await next();
      if (meter) {
        const counts = meter.snapshot();
        c.res.headers.set(QUERY_COUNT_HEADER, String(counts.queries));
        c.res.headers.set(WAVE_COUNT_HEADER, String(counts.waves));
        c.res.headers.set(SETUP_COUNT_HEADER, String(counts.setups));
      }
    } finally {
      c.executionCtx.waitUntil(handle.close());
    }
  });

  app.get("/health", async (c) => {
    const { report, httpStatus } = await checkHealth({
      db: c.var.trpc.db,
      media: c.env.MEDIA,
      version: c.var.trpc.config.version,
    });
    return c.json(report, httpStatus, { "cache-control": "no-store" });
  });

  const tooLarge = (message: string) => () =>
    new Response(JSON.stringify({ error: message }), {
      status: 413,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    });
  app.use(
    "/api/trpc/*",
    capRequestBody({ maxBytes: MAX_REQUEST_BODY_BYTES, tooLarge: tooLarge("Request too large.") }),
  );
  app.all("/api/trpc/*", async (c) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: c.req.raw,
      router: (await loadRouter()).appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: ({ resHeaders, info }) => {
        assertBatchWithinBudget(info);
        c.var.trpc.responseHeaders.forEach((value, key) => resHeaders.append(key, value));
        c.var.trpc.responseHeaders = resHeaders;
        return c.var.trpc;
      },
    }),
  );

  app.route("/api/uploads", uploadRoutes);

  // Stripe's signed webhook (billing); exempt from the CSRF check above by its /api/webhooks/ prefix.
  app.route("/api/webhooks/stripe", stripeWebhookRoutes);
  // Connected accounts' events (supporters paying creators, ADR 025), signed with the Connect endpoint's secret.
  app.route("/api/webhooks/stripe-connect", stripeConnectWebhookRoutes);

  // Public feeds, enclosures and artwork; the authenticated media player source and transcript exports.
  app.route("/", privateFeedRoutes);
  app.route("/", eventCalendarRoutes);
  app.route("/", feedRoutes);
  app.route("/", mediaRoutes);
  app.route("/", transcriptExportRoutes);
  app.route("/", socialMediaRoutes);
  app.route("/", instagramOAuthRoutes);

  // Built once per mode and isolate; development mode (error details, dev checks) only for development/test.
  const remixHandlers = new Map<string, Promise<ReturnType<typeof createRequestHandler>>>();
  const remix = (localTools: boolean) => {
    const mode = localTools ? "development" : "production";
    const handler = remixHandlers.get(mode) ?? opts.remixBuild().then((build) => createRequestHandler(build, mode));
    remixHandlers.set(mode, handler);
    return handler;
  };
  app.use("*", capRequestBody({ maxBytes: MAX_REQUEST_BODY_BYTES, tooLarge: tooLarge("Form too large.") }));
  app.use("*", formBodiesOnly);
  app.all("*", async (c) => {
    const ctx = c.var.trpc;
    const [handle, { createCaller }] = await Promise.all([remix(ctx.config.localTools), loadRouter()]);
    const response = await handle(c.req.raw, {
      cloudflare: { env: c.env, ctx: c.executionCtx as ExecutionContext },
      api: createCaller(ctx),
      auth: ctx.auth,
      config: ctx.config,
    });
    return withProcedureHeaders(c, response);
  });

  return app;
}

/** Cookies set by procedures that a Remix action called reach the browser with whatever the action returned. */
function withProcedureHeaders(c: Context<HonoEnv>, response: Response) {
  const extra = c.var.trpc.responseHeaders;
  if ([...extra.keys()].length === 0) return response;
  const merged = new Response(response.body, response);
  extra.forEach((value, key) => merged.headers.append(key, value));
  return merged;
}
