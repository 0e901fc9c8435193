import { isLocalEnvironment, requireKnownEnvironment, type EnvironmentName } from "./config/environments";

/** Bindings and variables the Worker receives. Local values come from .dev.vars; see README "Configuration". */
export interface Env {
  /** Checked against server/config/environments.ts on every request, queue batch and cron; unknown refuses. */
  ENVIRONMENT: string;
  APP_URL: string;
  APP_VERSION?: string;
  DATABASE_URL: string;
  /** host:port of the local WebSocket-to-TCP proxy; never set in production. */
  LOCAL_DB_PROXY?: string;
  /** "http" (default) or "websocket": how reads reach Postgres (ADR 016); the bench compares both. */
  DB_READ_PATH?: "http" | "websocket";
  EMAIL_PROVIDER: "outbox" | "resend";
  EMAIL_FROM: string;
  RESEND_API_KEY?: string;
  /** Override of the Resend API origin, for tests against a local server. */
  RESEND_API_URL?: string;
  MEDIA: R2Bucket;
  EMAIL_QUEUE: Queue<unknown>;
  TRANSCRIPTION_QUEUE: Queue<unknown>;
  /** Signs upload URLs (HMAC). Locally generated into .dev.vars; a secret in production. */
  UPLOAD_SIGNING_SECRET: string;
  /**
   * Transcription providers in fallback order, comma-separated: "workers-ai", "openai", "local". Unset: the local
   * engine when `npm run dev` started one, otherwise none.
   */
  TRANSCRIPTION_PROVIDERS?: string;
  /** The offline engine's OpenAI-compatible base URL (with /v1), set by `npm run dev` only; local environments only. */
  LOCAL_TRANSCRIPTION_URL?: string;
  /** Workers AI binding, used by the "workers-ai" provider. */
  AI?: Ai;
  /** Any OpenAI-compatible /v1/audio/transcriptions endpoint (OpenAI, Groq, self-hosted whisper). */
  OPENAI_BASE_URL?: string;
  OPENAI_API_KEY?: string;
  OPENAI_TRANSCRIPTION_MODEL?: string;
  /** Largest file sent in one transcription request (bytes); bigger WAV/MP3 files are split. Default 25 MB. */
  OPENAI_TRANSCRIPTION_MAX_BYTES?: string;
  /** Summary/show-notes/chapters models in fallback order: "workers-ai", "openai". Unset: extractive summary. */
  LLM_PROVIDERS?: string;
  /** OpenAI-compatible /chat/completions endpoint and key for "openai"; default to OPENAI_BASE_URL / _API_KEY. */
  LLM_BASE_URL?: string;
  LLM_API_KEY?: string;
  /** Model name for "openai" summaries (default gpt-4o-mini). */
  LLM_MODEL?: string;
  ASSETS?: Fetcher;
  /** Stripe secret API key. Unset: billing is not configured and every workspace is on Free. */
  STRIPE_SECRET_KEY?: string;
  /** Signing secret of the /api/webhooks/stripe endpoint (whsec_…), from the Stripe dashboard or `stripe listen`. */
  STRIPE_WEBHOOK_SECRET?: string;
  /** Stripe price ids of the paid plans (server/services/billing/plans.ts); never hard-coded. */
  STRIPE_PRICE_CREATOR?: string;
  STRIPE_PRICE_PRO?: string;
  /** Override of the Stripe API origin, for tests against a local server. */
  STRIPE_API_URL?: string;
  /**
   * Signing secret of the Connect webhook endpoint (/api/webhooks/stripe-connect, events of connected accounts).
   * With STRIPE_SECRET_KEY it turns on Stripe Connect for supporters' payments; unset, local environments use the
   * payments sandbox and deployments take no supporter payments (ADR 025).
   */
  STRIPE_CONNECT_WEBHOOK_SECRET?: string;
  /** Scheduled social posts: the cron enqueues due posts here, the consumer publishes them. */
  SOCIAL_QUEUE: Queue<unknown>;
  /** Account syncs (media + insights), apart from publishing so a sweep never delays a due post. */
  SOCIAL_SYNC_QUEUE: Queue<unknown>;
  /** Enclosure requests on their way to the download analytics tables (docs/decisions/019). */
  ANALYTICS_QUEUE: Queue<unknown>;
  /**
   * Keys encrypting social access tokens, newest first: "v2:<base64 32 bytes>,v1:<base64 32 bytes>". New tokens
   * use the first; older versions still decrypt, so a key can be rotated without reconnecting every account.
   */
  SOCIAL_TOKEN_KEYS: string;
  /** Instagram app (Instagram API with Instagram Login). Unset: only Sandbox accounts can be connected. */
  INSTAGRAM_APP_ID?: string;
  INSTAGRAM_APP_SECRET?: string;
  /** Overrides of Instagram's origins (www.instagram.com, api.instagram.com, graph.instagram.com), for tests. */
  INSTAGRAM_AUTHORIZE_URL?: string;
  INSTAGRAM_API_URL?: string;
  INSTAGRAM_GRAPH_URL?: string;
}

export interface AppConfig {
  environment: EnvironmentName;
  appUrl: string;
  version: string;
  /** Deployed cookies use the __Host- prefix and Secure; only local http://localhost goes without. */
  secureCookies: boolean;
  /** development/test only: dev mailbox, query-count header, error internals, development Remix, set-plan hints. */
  localTools: boolean;
}

/**
 * The local database proxy (ADR 003/016) only with local tools, or for a database on this machine (a production
 * build run against the local Postgres, as the closed-by-default tests do): in a deployment a stray LOCAL_DB_PROXY
 * would otherwise send every query, and the connection string with it, to that address instead of Neon.
 */
export function localDbProxy(env: Env): string | undefined {
  if (!env.LOCAL_DB_PROXY) return undefined;
  return appConfigFromEnv(env).localTools || isLoopbackDatabase(env.DATABASE_URL) ? env.LOCAL_DB_PROXY : undefined;
}

function isLoopbackDatabase(databaseUrl: string): boolean {
  try {
    return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(databaseUrl).hostname);
  } catch {
    return false;
  }
}

/** Throws ConfigurationError for an unknown or missing ENVIRONMENT: nothing is served on a guess. */
export function appConfigFromEnv(env: Env): AppConfig {
  const environment = requireKnownEnvironment(env.ENVIRONMENT);
  const local = isLocalEnvironment(environment);
  return {
    environment,
    appUrl: env.APP_URL.replace(/\/$/, ""),
    version: env.APP_VERSION ?? "dev",
    secureCookies: !local,
    localTools: local,
  };
}
