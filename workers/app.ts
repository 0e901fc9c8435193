import * as remixBuild from "virtual:greenroom/remix-build";
import { createApp } from "../server/app";
import type { Env } from "../server/env";
import { assertConfigured } from "../server/http/configuration-guard";
import { runScheduledJobs } from "./cron/dispatch";
import { cronJobs } from "./cron/registry";
import { dispatchQueueBatch } from "./queues/dispatch";
import { queueJobs } from "./queues/registry";

const app = createApp({ remixBuild });

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    assertConfigured(env, "queue");
    await dispatchQueueBatch({ batch, env, jobs: queueJobs });
  },
  async scheduled(controller, env) {
    assertConfigured(env, "scheduled");
    await runScheduledJobs({ cron: controller.cron, env, jobs: cronJobs });
  },
} satisfies ExportedHandler<Env>;
