import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/app";
import "./env";

async function get(path: string, bindings = env) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://localhost${path}`), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("/health", () => {
  it("answers status and version only", async () => {
    const response = await get("/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", version: "dev" });
  });

  it("answers 503 with a generic body when the database is unreachable, and logs the reason", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await get("/health", {
      ...env,
      LOCAL_DB_PROXY: "127.0.0.1:9",
      DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:9/postgres",
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "degraded", version: "dev" });
    const log = logged.mock.calls.map((args) => String(args[0])).find((line) => line.includes("health.degraded"));
    expect(log).toBeDefined();
    const entry = JSON.parse(log!) as { checks: { database: { ok: boolean; error?: string } } };
    expect(entry.checks.database.ok).toBe(false);
    expect(entry.checks.database.error).toBeTruthy();
  });
});
