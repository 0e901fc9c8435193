import type { Database } from "../../db/client";
import type { AppConfig, Env } from "../../server/env";
import type { Clock } from "../../server/lib/clock";
import type { ValidSession } from "../../server/services/auth/sessions";
import type { TrpcContext } from "../../server/trpc/context";
import { createCaller } from "../../server/trpc/router";
import { memoryQueue } from "./memory-queue";

export const testConfig: AppConfig = {
  environment: "test",
  appUrl: "http://localhost:8787",
  version: "test",
  secureCookies: false,
  localTools: true,
};

/** Two versions so tests can prove rotation: v2 encrypts, v1 still decrypts. */
export const TEST_SOCIAL_TOKEN_KEYS = `v2:${"A".repeat(43)}=,v1:${"B".repeat(43)}=`;

/** Bindings for in-process router calls. Queues record what is sent; pass `MEDIA` (tests/support/r2.ts) when needed. */
export function testEnv(overrides: Partial<Env> = {}) {
  const email = memoryQueue();
  const transcription = memoryQueue();
  const social = memoryQueue();
  const socialSync = memoryQueue();
  const analytics = memoryQueue();
  const env = {
    ENVIRONMENT: "test",
    APP_URL: testConfig.appUrl,
    DATABASE_URL: "postgres://unused-in-process",
    EMAIL_PROVIDER: "outbox",
    EMAIL_FROM: "Greenroom <hello@greenroom.test>",
    UPLOAD_SIGNING_SECRET: "test-upload-signing-secret",
    EMAIL_QUEUE: email.queue,
    TRANSCRIPTION_QUEUE: transcription.queue,
    SOCIAL_QUEUE: social.queue,
    SOCIAL_SYNC_QUEUE: socialSync.queue,
    ANALYTICS_QUEUE: analytics.queue,
    SOCIAL_TOKEN_KEYS: TEST_SOCIAL_TOKEN_KEYS,
    MEDIA: undefined as unknown as R2Bucket,
    ...overrides,
  } as Env;
  return { env, queues: { email, transcription, social, socialSync, analytics } };
}

/** The real router, called in-process exactly as Remix loaders call it, with a chosen session (or none). */
export function callerFor(
  db: Database,
  session: ValidSession | { session: ValidSession } | null,
  opts: { clock?: Clock; ip?: string; config?: AppConfig; env?: Partial<Env> } = {},
) {
  const { env, queues } = testEnv(opts.env);
  const ctx: TrpcContext = {
    db,
    env,
    config: opts.config ?? testConfig,
    meta: { ip: opts.ip ?? "203.0.113.7", userAgent: "vitest" },
    auth: session && "session" in session ? session.session : session,
    clock: opts.clock ?? (() => new Date()),
    responseHeaders: new Headers(),
  };
  return { api: createCaller(ctx), ctx, emails: queues.email, queues };
}
