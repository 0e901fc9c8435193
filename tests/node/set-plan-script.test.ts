import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingAccounts, workspaces } from "../../db/schema";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { repoRoot } from "../support/snapshot";

const run = promisify(execFile);
let pg: PostgresServer;

beforeAll(async () => {
  pg = await startPostgresServer();
}, 60_000);
afterAll(() => pg?.stop());

/** Runs the real script against the throwaway server, as a developer would against `npm run dev`'s database. */
function setPlan(args: string[], environment: string) {
  const env = { ...process.env, DATABASE_URL: pg.databaseUrl, LOCAL_DB_PROXY: pg.localProxy, ENVIRONMENT: environment };
  return run(path.join(repoRoot, "node_modules/.bin/tsx"), [path.join(repoRoot, "scripts/set-plan.ts"), ...args], {
    env,
    cwd: repoRoot,
  }).then(
    () => 0,
    (error: { code?: number }) => error.code ?? 1,
  );
}

describe("scripts/set-plan.ts", () => {
  it("sets a workspace's plan locally and refuses in production", async () => {
    const [workspace] = await pg.db.insert(workspaces).values({ name: "Local plan" }).returning();
    const plan = async () =>
      (await pg.db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, workspace.id)))[0];

    expect(await setPlan([workspace.id, "pro"], "production")).toBe(1);
    // Closed by default: a misspelt or empty ENVIRONMENT is not taken for a local one.
    expect(await setPlan([workspace.id, "pro"], "prod")).toBe(1);
    expect(await setPlan([workspace.id, "pro"], "")).toBe(1);
    expect(await plan()).toBeUndefined();

    expect(await setPlan([workspace.id, "enterprise"], "development")).toBe(2);
    expect(await setPlan([workspace.id, "pro"], "development")).toBe(0);
    expect(await plan()).toMatchObject({ plan: "pro", status: "active" });
  });
});
