import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgresServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

async function rows<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

describe("real Postgres test server", () => {
  it("has the migrations applied", async () => {
    const [{ applied }] = await rows<{ applied: number }>(
      server.db,
      sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
    );
    expect(applied).toBeGreaterThan(0);
  });

  it("runs two transactions at the same time (unlike PGlite)", async () => {
    const a = server.connect();
    const b = server.connect();
    try {
      // Each transaction marks itself with application_name, then polls (with pg_sleep between looks) until the
      // other one shows up in pg_stat_activity inside its own open transaction, and stays open until the other has
      // seen it too. Only a server that keeps both transactions open at once gets there; on PGlite the second
      // would wait for the first to end.
      const seen = new Set<string>();
      const overlapping = (db: Database, name: string) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('application_name', ${name}, true)`);
          let others = 0;
          for (let i = 0; i < 500 && seen.size < 2; i++) {
            if (others === 0) {
              // pg_stat_activity is a per-transaction snapshot unless cleared.
              await tx.execute(sql`select pg_stat_clear_snapshot()`);
              [{ others }] = await rows<{ others: number }>(
                tx as unknown as Database,
                sql`select count(*)::int as others from pg_stat_activity where application_name like 'overlap-%' and state in ('active', 'idle in transaction') and pid <> pg_backend_pid()`,
              );
              if (others > 0) seen.add(name);
            }
            await tx.execute(sql`select pg_sleep(0.02)`);
          }
          return others;
        });
      const [fromA, fromB] = await Promise.all([overlapping(a.db, "overlap-a"), overlapping(b.db, "overlap-b")]);
      expect(fromA).toBe(1);
      expect(fromB).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
