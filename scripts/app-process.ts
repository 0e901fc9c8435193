/**
 * Starts the real app (`scripts/dev.ts`: PGlite + proxy, build, wrangler dev, cron ticker) on free loopback
 * ports with throwaway data and state folders, for the browser test and the benchmark. `stop()` ends the
 * whole process group and removes the folders.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface RunningApp {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startApp(opts: { readyTimeoutMs?: number } = {}): Promise<RunningApp> {
  const scratch = mkdtempSync(join(tmpdir(), "greenroom-app-"));
  const [port, pgPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
  const logFile = join(scratch, "app.log");
  const log = createWriteStream(logFile);
  const child = spawn("npx", ["tsx", "scripts/dev.ts"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      GREENROOM_PG_PORT: String(pgPort),
      GREENROOM_PG_PROXY_PORT: String(proxyPort),
      GREENROOM_DATA_DIR: join(scratch, "pglite"),
      GREENROOM_STATE_DIR: join(scratch, "wrangler-state"),
    },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.once("exit", () => void (exited = true));

  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, "SIGINT");
      } catch {
        // Already gone.
      }
      const deadline = Date.now() + 10_000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!exited) process.kill(-child.pid, "SIGKILL");
    }
    log.end();
    rmSync(scratch, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
  while (Date.now() < deadline) {
    if (exited) break;
    const healthy = await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) return { url, logFile, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  const reason = exited ? "the app exited during start-up" : "the app did not become healthy in time";
  await stop();
  throw new Error(`${reason} (log was in ${logFile})`);
}
