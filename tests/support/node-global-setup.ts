import { PGlite } from "@electric-sql/pglite";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { migrateDatabase } from "../../scripts/local-db";
import { migratedSnapshotPath } from "./snapshot";

/** Migrates one PGlite once per run and saves its data directory; each test file starts from that copy. */
export default async function setup() {
  const path = migratedSnapshotPath();
  if (existsSync(path)) return;
  const pglite = await PGlite.create();
  await migrateDatabase(pglite);
  const dump = await pglite.dumpDataDir("gzip");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
}
