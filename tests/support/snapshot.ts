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
