import type { MiddlewareHandler } from "hono";
import { ConfigurationError } from "../config/environments";
import { appConfigFromEnv, type Env } from "../env";

/** Logs why the Worker refuses; callers and clients only ever see a generic answer. */
export function logConfigurationError(error: ConfigurationError, surface: "fetch" | "queue" | "scheduled") {
  console.error(JSON.stringify({ event: "config.refused", surface, error: error.message }));
}

/**
 * Runs before everything else: an unknown or missing ENVIRONMENT serves nothing (503, generic body), instead of
 * guessing which safeguards apply.
 */
export const refuseMisconfigured: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  try {
    appConfigFromEnv(c.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    logConfigurationError(error, "fetch");
    return new Response("Service unavailable.", {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return next();
};

/** For queue and cron handlers: throws (so the batch is retried later, not acknowledged) after logging why. */
export function assertConfigured(env: Env, surface: "queue" | "scheduled") {
  try {
    appConfigFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigurationError) logConfigurationError(error, surface);
    throw error;
  }
}
