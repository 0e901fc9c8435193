import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../workers/app";
import "./env";

describe("cron dispatch", () => {
  it("runs the jobs registered for a schedule wrangler fires", async () => {
    await expect(
      worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: new Date() }), env),
    ).resolves.toBeUndefined();
    await expect(
      worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: new Date() }), env),
    ).resolves.toBeUndefined();
  });

  it("fails loudly for a schedule with no job", async () => {
    await expect(
      worker.scheduled(createScheduledController({ cron: "1 2 3 4 5", scheduledTime: new Date() }), env),
    ).rejects.toThrow(/No cron job is registered/);
  });
});
