import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { readFileSync } from "node:fs";
import type { Database } from "../../db/client";
import * as schema from "../../db/schema";
import { migratedSnapshotPath } from "./snapshot";

export interface TestDatabase {
  db: Database;
  pglite: PGlite;
  /** Statements run since the last `resetQueryCount()`. */
  queryCount(): number;
  resetQueryCount(): void;
  close(): Promise<void>;
}

/** A fresh, migrated, private Postgres for one test file (restored from the snapshot in well under a second). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const snapshot = readFileSync(migratedSnapshotPath());
  const pglite = await PGlite.create({ loadDataDir: new Blob([snapshot]) });
  let queries = 0;
  const db = drizzle({ client: pglite, schema, logger: { logQuery: () => void queries++ } }) as unknown as Database;
  return {
    db,
    pglite,
    queryCount: () => queries,
    resetQueryCount: () => void (queries = 0),
    close: () => pglite.close(),
  };
}
