import type { Database } from "../../db/client";
import type { AppConfig } from "../env";
import type { Clock } from "../lib/clock";
import type { RequestMeta, ValidSession } from "../services/auth/sessions";
import type { QueueProducer } from "../services/platform/jobs";

/**
 * Everything a procedure may use. Built once per request by the HTTP layer (or per test), never read from a
 * global. `responseHeaders` collects Set-Cookie and Retry-After for whichever transport runs the call.
 */
export interface TrpcContext {
  db: Database;
  config: AppConfig;
  emailQueue: QueueProducer;
  meta: RequestMeta;
  auth: ValidSession | null;
  clock: Clock;
  responseHeaders: Headers;
}
