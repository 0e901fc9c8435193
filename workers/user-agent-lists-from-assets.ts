import type { UserAgentLists } from "../server/services/analytics/user-agents";

/**
 * server/services/analytics/user-agents/bundled.ts in the Worker (wrangler.toml [alias]): no lists in the bundle.
 * The rollup cron fetches them from the static assets (build/client/analytics/user-agents/, copied by the build).
 */
export const bundledLists: UserAgentLists | null = null;
