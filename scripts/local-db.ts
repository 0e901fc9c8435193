/**
 * The embedded local Postgres: PGlite served over TCP by pglite-socket, plus a proxy that plays the role of Neon's
 * (WebSocket-to-TCP at /v2, and Neon's HTTP query endpoint at /sql), so code inside workerd reaches it with the
 * production drivers (@neondatabase/serverless) configured through db/client.ts `localProxy`.
 *
 *   workerd/Node ──ws://HOST:PROXYPORT/v2?address=HOST:PORT──> proxy ──TCP──> PGLiteSocketServer ──> PGlite
 *   workerd/Node ──POST http://HOST:PROXYPORT/sql (ADR 016)──> proxy ──(its own /v2 session)──> PGlite
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { connect, createServer as createNetServer, type Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { handleSqlOverHttp, localSqlPool } from "./local-sql-http";

const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "migrations");

export interface LocalDatabaseOptions {
  /** Folder to persist the database in; omitted = in-memory. */
  dataDir?: string;
  /** A `pglite.dumpDataDir()` tarball to start from (e.g. a cached, already-migrated snapshot). */
  loadSnapshot?: Blob | File;
  /** Interface for both servers; default 127.0.0.1. */
  host?: string;
  /** Postgres (pglite-socket) port; 0 (default) = pick a free one. */
  port?: number;
  /** WebSocket proxy port; 0 (default) = pick a free one. */
  proxyPort?: number;
  /** Apply migrations/ before serving; default true. */
  migrate?: boolean;
  /** Simultaneous client connections pglite-socket accepts; default 100 (pglite-socket's own default is 1). */
  maxConnections?: number;
  /** Extra database round-trip time the proxy adds, to model the edge-to-region hop (bench). Default 0. */
  latencyMs?: number;
}

export interface LocalDatabase {
  pglite: PGlite;
  /** postgres://postgres:postgres@HOST:PORT/postgres */
  databaseUrl: string;
  /** "HOST:PROXYPORT", the value db/client.ts expects as `localProxy`. */
  localProxy: string;
  stop(): Promise<void>;
}

/** Applies migrations/ (drizzle-kit SQL) to a PGlite instance; already-applied migrations are skipped. */
export async function migrateDatabase(pglite: PGlite): Promise<void> {
  await migrate(drizzle({ client: pglite }), { migrationsFolder: MIGRATIONS_FOLDER });
}

export async function startLocalDatabase(opts: LocalDatabaseOptions = {}): Promise<LocalDatabase> {
  const host = opts.host ?? "127.0.0.1";
  // Probe fixed ports before the slow PGlite start, so a clash (e.g. a second `npm run dev`) fails at once.
  await assertPortFree(host, opts.port ?? 0, "Postgres");
  await assertPortFree(host, opts.proxyPort ?? 0, "database WebSocket proxy");

  let dataDir: string | undefined;
  let unlock = async () => {};
  if (opts.dataDir) {
    dataDir = path.resolve(opts.dataDir);
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  const pglite = await PGlite.create(dataDir, opts.loadSnapshot ? { loadDataDir: opts.loadSnapshot } : {}).catch(
    async (error: unknown) => {
      await unlock();
      throw error;
    },
  );

  let socketServer: PGLiteSocketServer | undefined;
  let proxy: Proxy | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // pglite-socket detaches its connection handlers without awaiting them, and a detach may still touch
      // PGlite (ROLLBACK of an open transaction, queued behind its mutex). Its socket 'close' events reach
      // handlers through setImmediate; waiting one macrotask after the server has closed lets every detach queue
      // its work before close(), which runs after queued work, instead of finding the database gone.
      await socketServer?.stop();
      await proxy?.close();
      await new Promise((resolve) => setImmediate(resolve));
      await pglite.close();
      await unlock();
    })());

  try {
    if (opts.migrate ?? true) await migrateDatabase(pglite);

    socketServer = new PGLiteSocketServer({
      db: pglite,
      host,
      port: opts.port ?? 0,
      maxConnections: opts.maxConnections ?? 100,
    });
    await listenOrExplain(socketServer.start(), host, opts.port ?? 0, "Postgres");
    const pgPort = Number(socketServer.getServerConn().split(":").pop());

    proxy = await startProxy(host, opts.proxyPort ?? 0, { host, port: pgPort }, { latencyMs: opts.latencyMs });

    return {
      pglite,
      databaseUrl: `postgres://postgres:postgres@${host}:${pgPort}/postgres`,
      localProxy: `${host}:${proxy.port}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export class PortInUseError extends Error {
  constructor(host: string, port: number, role: string) {
    super(`Port ${port} on ${host} (${role}) is already in use.`);
    this.name = "PortInUseError";
  }
}

async function listenOrExplain(listening: Promise<void>, host: string, port: number, role: string): Promise<void> {
  try {
    await listening;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new PortInUseError(host, port, role);
    throw error;
  }
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(`The database folder ${dataDir} is in use by process ${pid}.`);
    this.name = "DataDirInUseError";
  }
}

/**
 * PGlite takes no lock on its folder (its postmaster.pid holds a fake pid), and two processes writing one folder
 * corrupt it. Guard it with `<dataDir>.lock` holding our pid; a lock whose process is gone is stale and replaced.
 * Returns the release function.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = `${dataDir}.lock`;
  for (;;) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: "wx" });
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
    if (Number.isInteger(owner) && owner > 0 && processExists(owner)) throw new DataDirInUseError(dataDir, owner);
    await rm(lockFile, { force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Rejects with a readable "port in use" error unless `port` (0 = any, always free) can be bound on `host`. */
export async function assertPortFree(host: string, port: number, role: string): Promise<void> {
  if (port === 0) return;
  const probe = createNetServer();
  await listenOrExplain(
    new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, host, resolve);
    }),
    host,
    port,
    role,
  );
  await new Promise((resolve) => probe.close(resolve));
}

// ---------------------------------------------------------------------------------------------------------------
// WebSocket-to-TCP proxy

export interface Proxy {
  port: number;
  close(): Promise<void>;
}

/**
 * Also fronts the throwaway real Postgres server of tests/support/postgres-server.ts. `latencyMs` delays every
 * client-to-database message by that much, so each sequential round trip costs it, as the edge-to-region hop does;
 * a new WebSocket costs three (TCP, TLS, upgrade on Neon), modelled as a delayed upgrade.
 */
export async function startProxy(
  host: string,
  port: number,
  target: { host: string; port: number },
  opts: { latencyMs?: number } = {},
): Promise<Proxy> {
  // Never an open relay: the only address a client may name is the one target server.
  const allowed = new Set([`${target.host}:${target.port}`]);
  if (target.host === "127.0.0.1") allowed.add(`localhost:${target.port}`);
  const latencyMs = opts.latencyMs ?? 0;

  const bridges = new Set<{ ws: WebSocket; tcp: Socket }>();
  const wss = new WebSocketServer({ noServer: true });
  // /sql sessions reach the database through a WebSocket proxy of their own: this one when it adds no latency,
  // else a second one without it, so an HTTP query costs exactly one injected round trip.
  let sqlPool: ReturnType<typeof localSqlPool> | undefined;
  let sqlProxy: Proxy | undefined;
  const openSqlPool = async () => {
    if (latencyMs > 0) sqlProxy ??= await startProxy(host, 0, target);
    return (sqlPool ??= localSqlPool({ target, proxy: `${host}:${sqlProxy?.port ?? listeningPort()}` }));
  };
  // Browsers name the page they act for in Origin (WebSocket handshakes and cross-site POSTs alike); the Worker's
  // driver and Node clients send none. Refusing it keeps any web page the developer visits off the database.
  const fromBrowser = (req: IncomingMessage) => req.headers.origin !== undefined;
  const server = createHttpServer((req, res) => {
    if (fromBrowser(req)) {
      res.writeHead(403, { "content-type": "text/plain" }).end("Browsers may not reach the local database\n");
      return;
    }
    if (req.method === "POST" && new URL(req.url ?? "/", "http://proxy.invalid").pathname === "/sql") {
      openSqlPool().then(
        (pool) => handleSqlOverHttp(req, res, { pool, allowed, latencyMs }),
        (error: Error) => {
          console.warn(`[local-db proxy] /sql could not reach the database: ${error.message}`);
          res.writeHead(503, { "content-type": "text/plain" }).end("The local database is not reachable\n");
        },
      );
      return;
    }
    res.writeHead(426, { "content-type": "text/plain" }).end("WebSocket upgrade required\n");
  });
  const listeningPort = () => (server.address() as { port: number }).port;

  server.on("upgrade", (req: IncomingMessage, socket, head) => {
    socket.on("error", () => socket.destroy()); // a client vanishing mid-handshake must not crash the dev server
    const url = new URL(req.url ?? "/", "http://proxy.invalid");
    const address = url.searchParams.get("address") ?? "";
    const refuse = (status: string, reason: string) => {
      console.warn(`[local-db proxy] refused ${req.url}: ${reason}`);
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
    };
    if (fromBrowser(req)) return refuse("403 Forbidden", "browsers may not reach the local database");
    if (url.pathname !== "/v2") return refuse("404 Not Found", "only /v2 is served");
    if (!allowed.has(address)) {
      return refuse("403 Forbidden", `address "${address}" is not the local database (${[...allowed].join(" or ")})`);
    }
    const upgrade = () =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        const bridge = { ws, tcp: connect(target.port, target.host) };
        bridges.add(bridge);
        bridgeConnection(bridge.ws, bridge.tcp, () => bridges.delete(bridge), latencyMs);
      });
    if (latencyMs > 0) setTimeout(upgrade, 3 * latencyMs);
    else upgrade();
  });

  await listenOrExplain(
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    }),
    host,
    port,
    "database WebSocket proxy",
  );
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy: expected a TCP address");

  return {
    port: address.port,
    close: async () => {
      await sqlPool?.end();
      await sqlProxy?.close();
      for (const { ws, tcp } of bridges) {
        ws.terminate();
        tcp.destroy();
      }
      bridges.clear();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function bridgeConnection(ws: WebSocket, tcp: Socket, onClosed: () => void, latencyMs = 0): void {
  const frontend = new FrontendMessageStream();
  let closed = false;
  // `end()` (not destroy) on the TCP side lets bytes already written reach PGlite before the FIN.
  const closeBoth = (wsCode = 1000, reason = "") => {
    if (closed) return;
    closed = true;
    tcp.end();
    if (ws.readyState === WebSocket.OPEN) ws.close(wsCode, reason);
    onClosed();
  };

  tcp.setNoDelay(true);
  tcp.on("data", (chunk) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(chunk, { binary: true });
  });
  tcp.on("close", () => closeBoth());
  tcp.on("error", (error) => {
    console.warn(`[local-db proxy] database connection error: ${error.message}`);
    tcp.destroy();
    closeBoth(1011, "database connection error");
  });

  // Delayed messages keep their order: each waits for the one before it, then for the latency.
  let delivered = Promise.resolve();
  ws.on("message", (data: RawData, isBinary: boolean) => {
    if (latencyMs > 0) {
      const sentAt = Date.now();
      delivered = delivered.then(async () => {
        const wait = latencyMs - (Date.now() - sentAt);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        onMessage(data, isBinary);
      });
      return;
    }
    onMessage(data, isBinary);
  });
  const onMessage = (data: RawData, isBinary: boolean) => {
    if (closed) return;
    if (!isBinary) return closeBoth(1003, "binary frames only");
    for (const step of frontend.feed(toBuffer(data))) {
      if (step.kind === "forward") tcp.write(step.bytes);
      else if (step.kind === "reply") ws.send(step.bytes, { binary: true });
      else return closeBoth(1000, step.reason);
    }
  };
  ws.on("close", () => closeBoth());
  ws.on("error", () => closeBoth(1011, "websocket error"));
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

// ---------------------------------------------------------------------------------------------------------------
// Frontend (client -> server) Postgres protocol tracking.
//
// pglite-socket 0.2.17 ignores Terminate ('X') and keeps the connection (and its slot) open, so the proxy follows
// message boundaries and closes both sides itself on 'X'. Bytes are passed through as they arrive; only the
// startup phase is buffered, because SSLRequest/GSSENCRequest are answered here and never forwarded.

type Step =
  { kind: "forward"; bytes: Buffer } | { kind: "reply"; bytes: Buffer } | { kind: "terminate"; reason: string };

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
/** Postgres' own cap on a startup packet (MAX_STARTUP_PACKET_LENGTH). */
const MAX_STARTUP_PACKET_LENGTH = 10_000;
const TERMINATE = "X".charCodeAt(0);

class FrontendMessageStream {
  private phase: "startup" | "messages" = "startup";
  /** Startup phase: bytes received but not yet a whole packet. */
  private startupBuffer = Buffer.alloc(0);
  /** Message phase: where we are inside the current typed message. */
  private part: "type" | "length" | "body" = "type";
  private lengthBytes: number[] = [];
  private bodyRemaining = 0;

  feed(chunk: Buffer): Step[] {
    return this.phase === "startup" ? this.feedStartup(chunk) : this.feedMessages(chunk);
  }

  /** Startup packets: int32 length (including itself), int32 code/protocol, no type byte. */
  private feedStartup(chunk: Buffer): Step[] {
    this.startupBuffer = Buffer.concat([this.startupBuffer, chunk]);
    const steps: Step[] = [];
    while (this.startupBuffer.length >= 4) {
      const length = this.startupBuffer.readInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_PACKET_LENGTH) {
        return [...steps, { kind: "terminate", reason: "invalid startup packet" }];
      }
      if (this.startupBuffer.length < length) break;

      const packet = this.startupBuffer.subarray(0, length);
      const rest = this.startupBuffer.subarray(length);
      this.startupBuffer = Buffer.alloc(0);
      const code = packet.readInt32BE(4);

      if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
        // No TLS locally: answer "N" (not supported) and expect the real startup message next.
        steps.push({ kind: "reply", bytes: Buffer.from("N") });
        this.startupBuffer = Buffer.from(rest);
        continue;
      }
      if (code === CANCEL_REQUEST_CODE) {
        // PGlite has no backend process to signal; a real server closes a cancel connection straight away.
        return [...steps, { kind: "terminate", reason: "cancel request not supported" }];
      }
      // StartupMessage: pass it on; everything after it is typed messages.
      steps.push({ kind: "forward", bytes: Buffer.from(packet) });
      this.phase = "messages";
      if (rest.length > 0) steps.push(...this.feedMessages(rest));
      return steps;
    }
    return steps;
  }

  /** Typed messages: 1 type byte, int32 length (including itself, excluding the type byte), body. */
  private feedMessages(chunk: Buffer): Step[] {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.part === "type") {
        if (chunk[offset] === TERMINATE) {
          const steps: Step[] = [{ kind: "terminate", reason: "client terminated" }];
          return offset > 0 ? [{ kind: "forward", bytes: chunk.subarray(0, offset) }, ...steps] : steps;
        }
        offset += 1;
        this.part = "length";
        this.lengthBytes = [];
      } else if (this.part === "length") {
        this.lengthBytes.push(chunk[offset]!);
        offset += 1;
        if (this.lengthBytes.length === 4) {
          const length = Buffer.from(this.lengthBytes).readInt32BE(0);
          if (length < 4) return [{ kind: "terminate", reason: "invalid message length" }];
          this.bodyRemaining = length - 4;
          this.part = this.bodyRemaining > 0 ? "body" : "type";
        }
      } else {
        const take = Math.min(this.bodyRemaining, chunk.length - offset);
        offset += take;
        this.bodyRemaining -= take;
        if (this.bodyRemaining === 0) this.part = "type";
      }
    }
    return [{ kind: "forward", bytes: chunk }];
  }
}
