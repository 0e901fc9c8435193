import { readFileSync } from "node:fs";
import { startLocalDatabase } from "../../scripts/local-db";
import prepareSnapshot from "../support/node-global-setup";
import { migratedSnapshotPath } from "../support/snapshot";
import { startStripeApi } from "../support/stripe-api";

/** Serves a fresh migrated PGlite and the Stripe API stand-in on the ports the config chose, for the whole run. */
export default async function setup() {
  await prepareSnapshot();
  const database = await startLocalDatabase({
    loadSnapshot: new Blob([readFileSync(migratedSnapshotPath())]),
    migrate: false,
    port: Number(process.env.GREENROOM_TEST_PG_PORT),
    proxyPort: Number(process.env.GREENROOM_TEST_PG_PROXY_PORT),
  });
  const stripeApi = await startStripeApi({ port: Number(process.env.GREENROOM_TEST_STRIPE_PORT) }).catch(
    async (error: unknown) => {
      await database.stop();
      throw error;
    },
  );
  return async () => {
    await stripeApi.close();
    await database.stop();
  };
}
