/**
 * Starts the real app (`scripts/dev.ts`: PGlite + proxy, build, wrangler dev with its queue consumer, cron
 * ticker) on free loopback ports with throwaway data and state folders, for the browser test and the benchmark.
 * `stop()` ends the whole process group and removes the folders.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const STOP_TIMEOUT_MS = 20_000;

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Distinct free ports: the OS may hand the same one out twice once each probe has closed. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function groupAlive(pid: number) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface RunningApp {
  /** http://localhost:PORT — the same origin the app puts in its email links. */
  baseUrl: string;
  /** The app's local database, as db/client.ts createDb takes it (for scripts that seed data directly). */
  database: { databaseUrl: string; localProxy: string };
  recentOutput(lines?: number): string;
  stop(): Promise<void>;
}

/** `vars` become Worker variables of this run only (e.g. a transcription provider pointed at a loopback server). */
export async function startApp(
  opts: { readyTimeoutMs?: number; vars?: Record<string, string> } = {},
): Promise<RunningApp> {
  const scratch = await mkdtemp(join(tmpdir(), "greenroom-app-"));
  const [port, pgPort, pgProxyPort] = await freePorts(3);
  // Its own process group, so that stopping it reaches wrangler, workerd and everything else it started.
  const child: ChildProcess = spawn("npx", ["tsx", "scripts/dev.ts"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      GREENROOM_PG_PORT: String(pgPort),
      GREENROOM_PG_PROXY_PORT: String(pgProxyPort),
      GREENROOM_DATA_DIR: join(scratch, "pglite"),
      GREENROOM_STATE_DIR: join(scratch, "wrangler-state"),
      ...Object.fromEntries(Object.entries(opts.vars ?? {}).map(([key, value]) => [`GREENROOM_VAR_${key}`, value])),
    },
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split("\n"));
    output.splice(0, Math.max(0, output.length - 200));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = () => child.exitCode !== null || child.signalCode !== null;

  const app: RunningApp = {
    baseUrl: `http://localhost:${port}`,
    database: {
      databaseUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
      localProxy: `127.0.0.1:${pgProxyPort}`,
    },
    recentOutput: (lines = 40) => output.slice(-lines).join("\n"),
    // SIGTERM lets dev.ts stop wrangler and close the database cleanly; SIGKILL only if it does not finish.
    async stop() {
      const pid = child.pid;
      if (pid !== undefined) {
        signalGroup(pid, "SIGTERM");
        const deadline = Date.now() + STOP_TIMEOUT_MS;
        while (groupAlive(pid) && Date.now() < deadline) await sleep(200);
        if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
      }
      await rm(scratch, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
  while (Date.now() < deadline && !exited()) {
    const status = await fetch(`${app.baseUrl}/health`, { signal: AbortSignal.timeout(5_000) }).then(
      async (response) => (await response.body?.cancel(), response.status),
      () => 0,
    );
    if (status === 200) return app;
    await sleep(500);
  }
  const reason = exited() ? "the app exited before it was ready" : "GET /health did not answer 200 in time";
  const recent = app.recentOutput();
  await app.stop();
  throw new Error(`${reason}:\n${recent}`);
}
