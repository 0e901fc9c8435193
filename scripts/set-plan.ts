/**
 * Local testing of plans without Stripe: `npx tsx scripts/set-plan.ts <workspaceId> <free|creator|pro>`.
 * Talks to the local database `npm run dev` serves (DATABASE_URL and LOCAL_DB_PROXY from the environment or
 * .dev.vars). Refuses unless ENVIRONMENT is development or test: elsewhere only Stripe's webhooks change plans.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import { createDb } from "../db/client";
import { isLocalEnvironment } from "../server/config/environments";
import { setPlanLocally } from "../server/services/billing/accounts";
import { isPlanId, PLAN_IDS } from "../server/services/billing/plans";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** KEY=value lines of .dev.vars; the process environment wins. */
function localVars(): Record<string, string> {
  const file = path.join(ROOT, ".dev.vars");
  const vars: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const match = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
      if (match) vars[match[1]] = match[2];
    }
  }
  return { ...vars, ...(process.env as Record<string, string>) };
}

const [workspaceId, plan] = process.argv.slice(2);
const vars = localVars();
if (!workspaceId || !plan || !isPlanId(plan)) {
  console.error(`usage: npx tsx scripts/set-plan.ts <workspaceId> <${PLAN_IDS.join("|")}>`);
  process.exit(2);
}
if (!isLocalEnvironment(vars.ENVIRONMENT)) {
  console.error(
    `set-plan: refused, ENVIRONMENT is ${vars.ENVIRONMENT ?? "unset"}; only development and test allow it (elsewhere plans come from Stripe).`,
  );
  process.exit(1);
}
if (!vars.DATABASE_URL || !vars.LOCAL_DB_PROXY) {
  console.error(
    "set-plan: no local database address; start `npm run dev` (it writes DATABASE_URL and LOCAL_DB_PROXY to .dev.vars).",
  );
  process.exit(1);
}

// Node has no WebSocket the driver can use; set here (a Node-only entry) so `ws` never enters the Worker bundle.
neonConfig.webSocketConstructor = ws;
const { db, close } = createDb({ databaseUrl: vars.DATABASE_URL, localProxy: vars.LOCAL_DB_PROXY });
try {
  await setPlanLocally({ db, workspaceId, plan, environment: vars.ENVIRONMENT, now: new Date() });
  console.log(`set-plan: workspace ${workspaceId} is now on ${plan}.`);
} catch (error) {
  console.error("set-plan: failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await close();
}
