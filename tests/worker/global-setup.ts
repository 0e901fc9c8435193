import { readFileSync } from "node:fs";
import { startLocalDatabase } from "../../scripts/local-db";
import prepareSnapshot from "../support/node-global-setup";
import { migratedSnapshotPath } from "../support/snapshot";

/** Serves a fresh migrated PGlite on the ports the config chose, for the whole worker test run. */
export default async function setup() {
  await prepareSnapshot();
  const database = await startLocalDatabase({
    loadSnapshot: new Blob([readFileSync(migratedSnapshotPath())]),
    migrate: false,
    port: Number(process.env.GREENROOM_TEST_PG_PORT),
    proxyPort: Number(process.env.GREENROOM_TEST_PG_PROXY_PORT),
  });
  return () => database.stop();
}
