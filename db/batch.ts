import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { DbOrTx } from "./client";

type Reads = readonly [BatchItem<"pg">, ...BatchItem<"pg">[]];

/**
 * Runs independent reads as one round trip: on Neon's HTTP driver one request (a non-interactive read
 * transaction); on a transaction or in-process PGlite, where statements share one session anyway, one after the
 * other. Services build their reads as unawaited queries so a loader can put several services' reads in one batch.
 */
export async function readBatch<T extends Reads>(db: DbOrTx, queries: T): Promise<BatchResponse<T>> {
  const batch = (db as { batch?: (queries: T) => Promise<BatchResponse<T>> }).batch;
  if (typeof batch === "function") return batch.call(db, queries);
  const results: unknown[] = [];
  for (const query of queries) results.push(await (query as unknown as PromiseLike<unknown>));
  return results as BatchResponse<T>;
}
