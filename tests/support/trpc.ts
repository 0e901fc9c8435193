import type { Database } from "../../db/client";
import type { AppConfig } from "../../server/env";
import type { Clock } from "../../server/lib/clock";
import type { ValidSession } from "../../server/services/auth/sessions";
import type { TrpcContext } from "../../server/trpc/context";
import { createCaller } from "../../server/trpc/router";
import { memoryQueue } from "./memory-queue";

export const testConfig: AppConfig = { environment: "test", appUrl: "http://localhost:8787", version: "test", secureCookies: false };

/** The real router, called in-process exactly as Remix loaders call it, with a chosen session (or none). */
export function callerFor(db: Database, session: ValidSession | { session: ValidSession } | null, opts: { clock?: Clock; ip?: string; config?: AppConfig } = {}) {
  const email = memoryQueue();
  const ctx: TrpcContext = {
    db,
    config: opts.config ?? testConfig,
    emailQueue: email.queue,
    meta: { ip: opts.ip ?? "203.0.113.7", userAgent: "vitest" },
    auth: session && "session" in session ? session.session : session,
    clock: opts.clock ?? (() => new Date()),
    responseHeaders: new Headers(),
  };
  return { api: createCaller(ctx), ctx, emails: email };
}
