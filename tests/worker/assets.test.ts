import { SELF, env } from "cloudflare:test";
import "./env";
import { describe, expect, it } from "vitest";

describe("static assets", () => {
  it("serves the content-hashed scripts a page loads as immutable for a year, and the page itself not", async () => {
    const page = await SELF.fetch("http://localhost/login");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(page.headers.get("cache-control") ?? "").not.toContain("immutable");

    const scripts = [...html.matchAll(/"(\/assets\/[\w.-]+\.js)"/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of new Set(scripts)) {
      // The same asset server (and _headers handling) that answers these paths before the Worker in production.
      const asset = await env.ASSETS!.fetch(`http://localhost${script}`);
      expect(asset.status).toBe(200);
      await asset.arrayBuffer();
      expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
  });

  it("serves the check-in page's service worker as a script browsers revalidate on every update check", async () => {
    const response = await env.ASSETS!.fetch("http://localhost/checkin-sw.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    const script = await response.text();
    // Network first, and caching only what the page itself runs on.
    expect(script).toContain('addEventListener("fetch"');
    expect(script).toContain('startsWith("/assets/")');
  });

  it("does not serve the headers file itself", async () => {
    const response = await env.ASSETS!.fetch("http://localhost/_headers");
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("max-age=31536000");
  });
});
