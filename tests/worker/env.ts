import type { Env as WorkerEnv } from "../../server/env";

// Types `env` from "cloudflare:test" as the Worker's Env (a .ts file: skipLibCheck drops .d.ts augmentations).
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Cloudflare's own types declare Env in this namespace.
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- augmentation: the Worker's Env is the test env.
    interface Env extends WorkerEnv {}
  }
}
