import { Pool, neonConfig } from "@neondatabase/serverless";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-serverless";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Schema = typeof schema;
/** Driver-neutral handle: production and workerd use Neon's Pool, Node tests use in-process PGlite. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Database | Transaction;

export interface DbConnectionConfig {
  databaseUrl: string;
  /**
   * host:port of the local WebSocket-to-TCP proxy standing in for Neon's proxy. Unset in production,
   * where the driver uses Neon's own secure WebSocket endpoint.
   */
  localProxy?: string;
  /** Called once per SQL statement; used to count queries per request in tests and benchmarks. */
  onQuery?: (sql: string) => void;
}

export interface DbHandle {
  db: Database;
  close: () => Promise<void>;
}

function configureLocalProxy(localProxy: string | undefined) {
  if (!localProxy) return;
  neonConfig.wsProxy = (host, port) => `${localProxy}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/** One pool per request or job: Workers may not share sockets across requests. End it with `waitUntil`. */
export function createDb(config: DbConnectionConfig): DbHandle {
  configureLocalProxy(config.localProxy);
  const pool = new Pool({ connectionString: config.databaseUrl, max: 5 });
  let ending = false;
  // An idle client whose connection drops is discarded by the pool; without a listener the pool rethrows the
  // error and kills the invocation. While we end the pool ourselves, the disconnect is expected.
  pool.on("error", (error: Error) => {
    if (!ending) console.warn(JSON.stringify({ event: "db.idle_client_error", error: error.message }));
  });
  const onQuery = config.onQuery;
  const db = drizzle({
    client: pool,
    schema,
    logger: onQuery ? { logQuery: (sql) => onQuery(sql) } : false,
  });
  return {
    db: db as unknown as Database,
    close: () => {
      ending = true;
      return pool.end();
    },
  };
}
