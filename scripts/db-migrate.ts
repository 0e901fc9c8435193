/**
 * `npm run db:migrate`: applies migrations/ to DATABASE_URL through the production driver (@neondatabase/serverless).
 * Set LOCAL_DB_PROXY (as in .dev.vars) to reach the local PGlite database through its WebSocket proxy; `npm run dev`
 * already migrates that database on start, so this is mostly for Neon branches and production.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { neonConfig } from "@neondatabase/serverless";
import type { NeonDatabase } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import ws from "ws";
import { createDb, type Schema } from "../db/client";

const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "migrations");

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    "db:migrate: DATABASE_URL is not set.\n" +
      "  Production/Neon:  DATABASE_URL='postgres://…' npm run db:migrate\n" +
      "  Local database:   `npm run dev` applies migrations itself on start.",
  );
  process.exit(1);
}

// Node has no WebSocket the driver can use; set it here (a Node-only entry) so `ws` never enters the Worker bundle.
neonConfig.webSocketConstructor = ws;

const { sessionDb, close } = createDb({ databaseUrl, localProxy: process.env.LOCAL_DB_PROXY || undefined });
try {
  // Migrations run in an interactive transaction: the WebSocket-pool (neon-serverless) drizzle instance.
  await migrate(sessionDb() as unknown as NeonDatabase<Schema>, { migrationsFolder: MIGRATIONS_FOLDER });
  console.log(`db:migrate: migrations/ applied to ${new URL(databaseUrl).host}.`);
} catch (error) {
  console.error("db:migrate: failed:", error);
  process.exitCode = 1;
} finally {
  await close();
}
