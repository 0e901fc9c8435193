import type { Database } from "../../db/client";
import type { AppConfig, Env } from "../env";
import type { Clock } from "../lib/clock";
import type { RequestMeta, ValidSession } from "../services/auth/sessions";

/**
 * Everything a procedure may use. Built once per request by the HTTP layer (or per test), never read from a
 * global. `responseHeaders` collects Set-Cookie and Retry-After for whichever transport runs the call.
 */
export interface TrpcContext {
  db: Database;
  /** The Worker's bindings (R2, queues, provider settings); routers hand services what they need of it. */
  env: Env;
  config: AppConfig;
  meta: RequestMeta;
  auth: ValidSession | null;
  clock: Clock;
  responseHeaders: Headers;
}
