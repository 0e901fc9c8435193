import { Pool, neon, neonConfig, type PoolClient } from "@neondatabase/serverless";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzleHttp } from "drizzle-orm/neon-http";
import { drizzle as drizzleWebSocket } from "drizzle-orm/neon-serverless";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { RoundTripMeter } from "./round-trips";
import * as schema from "./schema";

export { RoundTripMeter, type RoundTripCounts } from "./round-trips";

export type Schema = typeof schema;
/** Driver-neutral handle: production and workerd use Neon's drivers, Node tests use in-process PGlite. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Database | Transaction;

/**
 * How reads reach Postgres (ADR 016). "http": each statement or batch is one HTTPS request to Neon's SQL endpoint,
 * no connection to open; interactive transactions open the WebSocket pool on first use. "websocket": everything on
 * a per-request WebSocket pool, the path before ADR 016, kept so the bench can put both side by side.
 */
export type ReadPath = "http" | "websocket";

export interface DbConnectionConfig {
  databaseUrl: string;
  /**
   * host:port of the local proxy standing in for Neon's (WebSocket and HTTP /sql). Unset in production, where the
   * driver uses Neon's own endpoints.
   */
  localProxy?: string;
  /** Default "http". */
  readPath?: ReadPath;
  /** Called once per SQL statement; used to count queries per request in tests and benchmarks. */
  onQuery?: (sql: string) => void;
  /** Counts sequential waves and connection setups of this handle (tests, bench; see db/round-trips.ts). */
  meter?: RoundTripMeter;
}

export interface DbHandle {
  db: Database;
  /** The WebSocket-pool drizzle instance (interactive session); opened on first use. Migrations need it. */
  sessionDb: () => Database;
  close: () => Promise<void>;
}

/** fetch options key carrying the request's meter to `meteredFetch`; never sent anywhere. */
const METER_KEY = "greenroomRoundTripMeter";

/**
 * The HTTP driver's fetch for every handle: neonConfig is global to the isolate, so the meter of the request a
 * query belongs to travels in that query's fetch options.
 */
function meteredFetch(url: string, init: RequestInit & { [METER_KEY]?: RoundTripMeter }) {
  const { [METER_KEY]: meter, ...rest } = init;
  if (!meter) return fetch(url, rest);
  // drizzle logs each statement it runs, but not the statements of a batch: count those here.
  const batched =
    typeof rest.body === "string" ? (JSON.parse(rest.body) as { queries?: unknown[] }).queries : undefined;
  for (let i = 0; i < (batched?.length ?? 0); i++) meter.query();
  return meter.track(() => fetch(url, rest));
}
neonConfig.fetchFunction = meteredFetch;

function configureLocalProxy(localProxy: string | undefined) {
  if (!localProxy) return;
  neonConfig.wsProxy = (host, port) => `${localProxy}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.fetchEndpoint = () => `http://${localProxy}/sql`;
}

/**
 * One handle per request or job: Workers may not share sockets across requests. Reads go over HTTP (nothing to
 * open); the WebSocket pool exists only once a transaction asks for it. End the handle with `waitUntil`.
 */
export function createDb(config: DbConnectionConfig): DbHandle {
  configureLocalProxy(config.localProxy);
  const meter = config.meter;
  const onQuery = config.onQuery;
  const logger = onQuery ? { logQuery: (sql: string) => onQuery(sql) } : false;

  let pool: Pool | undefined;
  let ending = false;
  let websocketDb: Database | undefined;
  const sessionDb = () => {
    if (websocketDb) return websocketDb;
    pool = new Pool({ connectionString: config.databaseUrl, max: 5 });
    // An idle client whose connection drops is discarded by the pool; without a listener the pool rethrows the
    // error and kills the invocation. While we end the pool ourselves, the disconnect is expected.
    pool.on("error", (error: Error) => {
      if (!ending) console.warn(JSON.stringify({ event: "db.idle_client_error", error: error.message }));
    });
    if (meter) meterPool(pool, meter);
    websocketDb = drizzleWebSocket({ client: pool, schema, logger }) as unknown as Database;
    return websocketDb;
  };

  let db: Database;
  if (config.readPath === "websocket") {
    db = sessionDb();
  } else {
    const sql = neon(config.databaseUrl, meter ? { fetchOptions: { [METER_KEY]: meter } } : {});
    db = drizzleHttp({ client: sql, schema, logger }) as unknown as Database;
    // The HTTP driver cannot hold a transaction open across statements; locks, claims and read-then-write
    // transactions get a real session on the WebSocket pool, opened only now.
    db.transaction = ((...args: Parameters<Database["transaction"]>) =>
      sessionDb().transaction(...args)) as Database["transaction"];
  }

  return {
    db,
    sessionDb,
    close: async () => {
      ending = true;
      await pool?.end();
    },
  };
}

/** Each new connection is a setup; each statement (pool.query or a transaction's client.query) is tracked. */
function meterPool(pool: Pool, meter: RoundTripMeter) {
  pool.on("connect", (client: PoolClient) => {
    meter.setup();
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // pool.query calls client.query with a callback (already tracked by the wrapper below); a transaction calls
    // it without one and awaits the promise.
    client.query = ((...args: unknown[]) =>
      typeof args[args.length - 1] === "function"
        ? query(...args)
        : meter.track(() => query(...args) as Promise<unknown>)) as PoolClient["query"];
  });
  const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = ((...args: unknown[]) => meter.track(() => poolQuery(...args))) as Pool["query"];
}
