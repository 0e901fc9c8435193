/**
 * A throwaway real PostgreSQL server (Debian's packages) for tests that claim concurrency safety. PGlite
 * serialises every connection on one backend (ADR 003), so "two deliveries at once yield one effect" can only be
 * shown against a server that runs transactions in parallel.
 *
 * The server is reached exactly like production reaches Neon: Neon's driver over WebSocket, through the same
 * WebSocket-to-TCP proxy `npm run dev` uses (scripts/local-db.ts). That keeps the driver under test the
 * production one and adds no Postgres client dependency.
 *
 *   test ──Neon Pool──ws──> proxy ──TCP──> postgres (initdb'd in a temp folder, trust auth, loopback only)
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { neonConfig } from "@neondatabase/serverless";
import type { NeonDatabase } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import WebSocket from "ws";
import { createDb, type Database, type DbHandle, type Schema } from "../../db/client";
import { startProxy } from "../../scripts/local-db";

const run = promisify(execFile);
const HOST = "127.0.0.1";
const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "migrations");

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  databaseUrl: string;
  /** "HOST:PORT" of the WebSocket proxy, the value db/client.ts expects as `localProxy`. */
  localProxy: string;
  /** A migrated database on a shared pool. */
  db: Database;
  /** A new pool of its own, for tests that need separate connections; close it when done. */
  connect(opts?: { onQuery?: (sql: string) => void }): DbHandle;
  stop(): Promise<void>;
}

export class PostgresNotInstalledError extends Error {
  constructor() {
    super("PostgreSQL server binaries not found: apt-get install -y postgresql (CI installs it when missing).");
    this.name = "PostgresNotInstalledError";
  }
}

/** initdb/pg_ctl from /usr/local/bin, or the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBinaries(): { initdb: string; pgCtl: string } | null {
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql") : [];
  const packaged = versions.sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`);
  const candidates = ["/usr/local/bin", ...packaged];
  for (const dir of candidates) {
    const initdb = path.join(dir, "initdb");
    const pgCtl = path.join(dir, "pg_ctl");
    if (existsSync(initdb) && existsSync(pgCtl)) return { initdb, pgCtl };
  }
  return null;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  if (!bin) throw new PostgresNotInstalledError();
  // Node has no global WebSocket the driver can use here; test-only, like scripts/db-migrate.ts.
  neonConfig.webSocketConstructor = WebSocket;

  const dir = await mkdtemp(path.join(tmpdir(), "greenroom-pg-"));
  const dataDir = path.join(dir, "data");
  // postgres refuses to run as root; as root we hand the folder to the `postgres` system user the package creates.
  const asRoot = process.getuid?.() === 0;
  const exec = (file: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", file, ...args]) : run(file, args);
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }

  let started = false;
  let handle: DbHandle | undefined;
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  const stop = async () => {
    await handle?.close();
    await proxy?.close();
    // Immediate mode: the data is thrown away, so there is nothing worth a clean checkpoint.
    if (started) await exec(bin.pgCtl, ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await exec(bin.initdb, ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"]);
    const port = await freePort();
    // Loopback TCP only, socket directory inside our folder, and durability off: it is a throwaway.
    const options = [`-p ${port}`, `-c listen_addresses=${HOST}`, `-k ${dir}`, "-c fsync=off", "-c max_connections=50"];
    await exec(bin.pgCtl, ["-D", dataDir, "-o", options.join(" "), "-l", path.join(dir, "server.log"), "-w", "start"]);
    started = true;

    proxy = await startProxy(HOST, 0, { host: HOST, port });
    const databaseUrl = `postgres://postgres@${HOST}:${port}/postgres`;
    const localProxy = `${HOST}:${proxy.port}`;
    const connect = (opts: { onQuery?: (sql: string) => void } = {}) =>
      createDb({ databaseUrl, localProxy, onQuery: opts.onQuery });
    handle = connect();
    // Migrations run in an interactive transaction: the WebSocket-pool (neon-serverless) drizzle instance.
    await migrate(handle.sessionDb() as unknown as NeonDatabase<Schema>, { migrationsFolder: MIGRATIONS_FOLDER });
    return { databaseUrl, localProxy, db: handle.db, connect, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("could not pick a free port");
  return address.port;
}
