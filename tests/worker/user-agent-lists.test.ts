import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { classifyUserAgent, loadUserAgentLists } from "../../server/services/analytics/user-agents";
import "./env";

const APPLE = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";

// The Worker's bundle leaves the OPAWG lists out (wrangler.toml [alias], mirrored in this project's config): the
// rollup cron reads them from the static assets. Same agents, same answers as tests/node/analytics-counting.test.ts.
describe("the user-agent lists in the Worker", () => {
  it("are not in the bundle, so classifying before they are loaded fails loudly", () => {
    expect(() => classifyUserAgent(APPLE)).toThrow(/not loaded/);
  });

  it("classify known agents as the lists say once read from the static assets", async () => {
    await loadUserAgentLists(env.ASSETS);
    expect(classifyUserAgent(APPLE)).toEqual({ kind: "listener", app: "Apple Podcasts", platform: "Apple iPhone" });
    expect(classifyUserAgent("Spotify/8.8.0 Android/33 (SM-G991B)")).toEqual({
      kind: "listener",
      app: "Spotify",
      platform: "Android Phone",
    });
    expect(classifyUserAgent("atc/1.0 watchOS/10.1").kind).toBe("apple_watch");
    expect(classifyUserAgent("python-requests/2.31.0").kind).toBe("bot");
  });
});
