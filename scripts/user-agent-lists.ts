import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Plugin } from "vite";
import { USER_AGENT_LISTS_PATH } from "../server/services/analytics/user-agents";

const LISTS_DIR = resolve(import.meta.dirname, "../server/services/analytics/user-agents");
const FILES = ["apps.json", "bots.json", "browsers.json", "devices.json", "libraries.json"];

/**
 * Vite plugin: after the client build, the OPAWG user-agent lists land among the static assets, where the Worker's
 * rollup cron reads them (server/services/analytics/user-agents.ts); its bundle leaves them out (ADR 017).
 */
export function userAgentListsPlugin(): Plugin {
  let outDir = "";
  let ssr = false;
  return {
    name: "greenroom-user-agent-lists",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      ssr = Boolean(config.build.ssr);
    },
    writeBundle() {
      if (ssr) return;
      const out = join(outDir, USER_AGENT_LISTS_PATH);
      mkdirSync(out, { recursive: true });
      for (const file of FILES) copyFileSync(join(LISTS_DIR, file), join(out, file));
    },
  };
}
