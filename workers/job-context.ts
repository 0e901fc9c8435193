import { createDb, type Database } from "../db/client";
import { appConfigFromEnv, localDbProxy, type AppConfig, type Env } from "../server/env";

/** What queue handlers and cron jobs receive: a database for this invocation, config and bindings. */
export interface JobContext {
  db: Database;
  env: Env;
  config: AppConfig;
  now: Date;
}

export async function withJobContext<T>(env: Env, run: (ctx: JobContext) => Promise<T>): Promise<T> {
  const handle = createDb({ databaseUrl: env.DATABASE_URL, localProxy: localDbProxy(env) });
  try {
    return await run({ db: handle.db, env, config: appConfigFromEnv(env), now: new Date() });
  } finally {
    await handle.close();
  }
}
