import type { PGlite } from "@electric-sql/pglite";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");

/** The snapshot's file name changes whenever a migration does, so a stale cache is never used. */
export function migratedSnapshotPath(): string {
  const folder = join(repoRoot, "migrations");
  const hash = createHash("sha256");
  for (const name of readdirSync(folder)
    .filter((n) => n.endsWith(".sql"))
    .sort()) {
    hash.update(name).update(readFileSync(join(folder, name)));
  }
  return join(repoRoot, ".cache", `pglite-migrated-${hash.digest("hex").slice(0, 16)}.tar.gz`);
}

/**
 * Every row of every table as sorted JSON text per table, to prove a failed call wrote nothing. `skip` names
 * tables written on purpose outside the call's transaction.
 */
export async function tableSnapshot(pglite: PGlite, skip: ReadonlySet<string> = new Set()) {
  const tables = await pglite.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const rows = new Map<string, string[]>();
  for (const { name } of tables.rows) {
    if (skip.has(name)) continue;
    const result = await pglite.query<{ row: string }>(`select to_jsonb(t)::text as row from "${name}" t`);
    rows.set(name, result.rows.map((r) => r.row).sort());
  }
  return rows;
}
