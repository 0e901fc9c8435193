import type { AppConfig, Env } from "../server/env";
import type { ValidSession } from "../server/services/auth/sessions";
import type { createCaller } from "../server/trpc/router";

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: { env: Env; ctx: ExecutionContext };
    /** The tRPC router called in-process for this request, with its session. */
    api: ReturnType<typeof createCaller>;
    auth: ValidSession | null;
    config: AppConfig;
  }
}
