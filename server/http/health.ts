import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";

/** The public answer: anyone can call /health, so dependency errors (hosts, SQL text) only go to the logs. */
export interface HealthReport {
  status: "ok" | "degraded";
  version: string;
}

interface Check {
  ok: boolean;
  error?: string;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/** Liveness plus readiness of the two dependencies every request needs. DB down is a 503; R2 down degrades. */
export async function checkHealth(opts: {
  db: Database;
  media: R2Bucket;
  version: string;
}): Promise<{ report: HealthReport; httpStatus: 200 | 503 }> {
  const [database, storage] = await Promise.all([
    opts.db.execute(sql`select 1`).then(
      (): Check => ({ ok: true }),
      (error: unknown): Check => ({ ok: false, error: describe(error) }),
    ),
    opts.media.head("health-probe").then(
      (): Check => ({ ok: true }),
      (error: unknown): Check => ({ ok: false, error: describe(error) }),
    ),
  ]);
  const status = database.ok && storage.ok ? "ok" : "degraded";
  if (status === "degraded") {
    console.error(JSON.stringify({ event: "health.degraded", version: opts.version, checks: { database, storage } }));
  }
  return { report: { status, version: opts.version }, httpStatus: database.ok ? 200 : 503 };
}
