/** Resolved by wrangler's [alias] (and the test config) to build/server/index.js from `remix vite:build`. */
declare module "virtual:greenroom/remix-build" {
  import type { ServerBuild } from "@remix-run/cloudflare";
  const build: ServerBuild;
  export = build;
}
