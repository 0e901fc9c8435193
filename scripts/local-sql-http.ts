/**
 * Neon's HTTP query endpoint (`POST /sql`), served by the local proxy so the production HTTP driver
 * (`neon()` from @neondatabase/serverless, drizzle-orm/neon-http) runs unchanged against the embedded Postgres
 * (ADR 016). What the driver sends and expects (@neondatabase/serverless 1.2.0):
 *
 *   headers  Neon-Connection-String: postgres://…   Neon-Raw-Text-Output: true   Neon-Array-Mode: true
 *            batches also Neon-Batch-Isolation-Level / Neon-Batch-Read-Only / Neon-Batch-Deferrable
 *   body     { query, params }                  or  { queries: [{ query, params }, …] } (one transaction)
 *   200      { command, rowCount, rows, fields: [{ name, dataTypeID, … }], rowAsArray }  or  { results: [ … ] }
 *            rows are arrays of text values (or null); the driver parses them by dataTypeID
 *   400      { message, code, detail, constraint, … } (Postgres error fields), thrown as NeonDbError
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Client, Pool, type PoolClient } from "@neondatabase/serverless";
import { WebSocket } from "ws";

interface SqlQuery {
  query: string;
  params?: unknown[];
}

/** Largest request body accepted; the app's own statements are far smaller. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;
const ISOLATION_LEVELS = new Map([
  ["ReadUncommitted", "READ UNCOMMITTED"],
  ["ReadCommitted", "READ COMMITTED"],
  ["RepeatableRead", "REPEATABLE READ"],
  ["Serializable", "SERIALIZABLE"],
]);

/**
 * Sessions to the target server for /sql requests, reached through a WebSocket proxy (`proxy`, host:port) with
 * per-client settings, so nothing global of the driver changes in the process hosting the proxy.
 */
export function localSqlPool(opts: { target: { host: string; port: number }; proxy: string }): Pool {
  class LocalClient extends Client {
    constructor(config?: ConstructorParameters<typeof Client>[0]) {
      super(config);
      const settings = this.neonConfig;
      settings.webSocketConstructor = WebSocket;
      settings.wsProxy = (host: string, port: number | string) => `${opts.proxy}/v2?address=${host}:${port}`;
      settings.useSecureWebSocket = false;
      settings.pipelineTLS = false;
      settings.pipelineConnect = false;
    }
  }
  // Neon's Pool sets its own Client class in its constructor (ignoring the `Client` option); a field wins.
  class LocalPool extends Pool {
    Client = LocalClient;
  }
  const pool = new LocalPool({
    connectionString: `postgres://postgres:postgres@${opts.target.host}:${opts.target.port}/postgres`,
    // One session: PGlite runs every connection on one backend, and requests on several sessions at once interleave
    // their extended-protocol messages there (a Bind meeting another request's Parse). Serialised, each request's
    // statements run whole; sent together, they still cost one wave each in the meter, which counts on the worker.
    max: 1,
  });
  pool.on("error", () => {}); // an idle session dropped by the server is simply replaced on next use
  return pool;
}

export async function handleSqlOverHttp(
  req: IncomingMessage,
  res: ServerResponse,
  opts: { pool: Pool; allowed: Set<string>; latencyMs: number },
): Promise<void> {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  try {
    const body = await readBody(req);
    if (opts.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, opts.latencyMs));
    const target = connectionTarget(req.headers["neon-connection-string"]);
    if (!target || !opts.allowed.has(target)) {
      return reply(403, { message: `Neon-Connection-String must name the local database` });
    }
    const payload = JSON.parse(body) as SqlQuery | { queries: SqlQuery[] };
    const client = await opts.pool.connect();
    try {
      if ("queries" in payload) {
        reply(200, { results: await runBatch(client, payload.queries, req.headers) });
      } else {
        reply(200, await runOne(client, payload));
      }
    } finally {
      client.release();
    }
  } catch (error) {
    if (error instanceof Error && "code" in error) {
      const fields = Object.fromEntries(ERROR_FIELDS.map((key) => [key, (error as Record<string, unknown>)[key]]));
      return reply(400, { message: error.message, ...fields });
    }
    reply(500, { message: error instanceof Error ? error.message : String(error) });
  }
}

async function runBatch(client: PoolClient, queries: SqlQuery[], headers: IncomingMessage["headers"]) {
  const isolation = ISOLATION_LEVELS.get(String(headers["neon-batch-isolation-level"] ?? ""));
  const modes = [
    isolation ? `ISOLATION LEVEL ${isolation}` : "",
    headers["neon-batch-read-only"] === "true" ? "READ ONLY" : "",
    headers["neon-batch-deferrable"] === "true" ? "DEFERRABLE" : "",
  ].filter(Boolean);
  await client.query(`BEGIN ${modes.join(" ")}`);
  try {
    const results = [];
    for (const query of queries) results.push(await runOne(client, query));
    await client.query("COMMIT");
    return results;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Text values as Postgres sent them, rows as arrays: what Neon-Raw-Text-Output and Neon-Array-Mode ask for. */
async function runOne(client: PoolClient, query: SqlQuery) {
  const result = await client.query({
    text: query.query,
    values: query.params ?? [],
    rowMode: "array",
    types: { getTypeParser: () => (value: string) => value },
  });
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields.map((field) => ({ ...field })),
    rowAsArray: true,
  };
}

function connectionTarget(header: string | string[] | undefined): string | null {
  if (typeof header !== "string") return null;
  try {
    const url = new URL(header);
    return `${url.hostname}:${url.port || "5432"}`;
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
