import type { Env as WorkerEnv } from "../../server/env";

// Types `env` from "cloudflare:test" as the Worker's Env (a .ts file: skipLibCheck drops .d.ts augmentations).
declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
  }
}
