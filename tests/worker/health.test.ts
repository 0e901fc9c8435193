import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../workers/app";
import "./env";

async function get(path: string, bindings = env) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://localhost${path}`), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("/health", () => {
  it("reports version, database and R2 readiness", async () => {
    const response = await get("/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      status: "ok",
      version: "dev",
      checks: { database: { ok: true }, storage: { ok: true } },
    });
  });

  it("answers 503 with the reason when the database is unreachable", async () => {
    const response = await get("/health", {
      ...env,
      LOCAL_DB_PROXY: "127.0.0.1:9",
      DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:9/postgres",
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; checks: { database: { ok: boolean; error?: string } } };
    expect(body.status).toBe("degraded");
    expect(body.checks.database.ok).toBe(false);
    expect(body.checks.database.error).toBeTruthy();
  });
});
