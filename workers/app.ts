import { createApp } from "../server/app";
import type { Env } from "../server/env";
import { assertConfigured } from "../server/http/configuration-guard";

// Evaluated on first use, not at start-up (ADR 017): Remix's build (React, every route) on the first page request,
// the queue and cron jobs (and every service they run) on the first batch or schedule, which a Worker answering
// requests may never see.
const app = createApp({ remixBuild: () => import("virtual:greenroom/remix-build") });

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    assertConfigured(env, "queue");
    const [{ dispatchQueueBatch }, { queueJobs }] = await Promise.all([
      import("./queues/dispatch"),
      import("./queues/registry"),
    ]);
    await dispatchQueueBatch({ batch, env, jobs: queueJobs });
  },
  async scheduled(controller, env) {
    assertConfigured(env, "scheduled");
    const [{ runScheduledJobs }, { cronJobs }] = await Promise.all([
      import("./cron/dispatch"),
      import("./cron/registry"),
    ]);
    await runScheduledJobs({ cron: controller.cron, env, jobs: cronJobs });
  },
} satisfies ExportedHandler<Env>;
