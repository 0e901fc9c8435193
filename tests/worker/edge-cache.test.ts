import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { publicEdgeCache } from "../../server/http/edge-cache";
import type { Env } from "../../server/env";
import { ORIGIN } from "./http";
import { edgeCache } from "../../server/lib/edge-cache";

/** The edge-cache middleware in front of a stand-in handler, so a test controls exactly what the handler returns. */
async function throughCache(path: string, response: () => Response, init: RequestInit = {}) {
  const app = new Hono<{ Bindings: Env }>();
  app.use("*", publicEdgeCache);
  app.get("*", () => response());
  const ctx = createExecutionContext();
  const result = await app.fetch(new Request(`${ORIGIN}${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return result;
}

const publicHtml =
  (headers: Record<string, string> = {}) =>
  () =>
    new Response("<p>hello</p>", {
      headers: { "content-type": "text/html", "cache-control": "public, max-age=60", ...headers },
    });

describe("edge cache admission", () => {
  it("stores a public 200 and answers the next request from it", async () => {
    const path = `/p/${crypto.randomUUID()}`;
    expect((await throughCache(path, publicHtml())).headers.get("x-greenroom-cache")).toBe("MISS");
    const hit = await throughCache(path, () => new Response("handler must not run", { status: 500 }));
    expect(hit.headers.get("x-greenroom-cache")).toBe("HIT");
    expect(await hit.text()).toBe("<p>hello</p>");
  });

  it("keys ids in one case, and a hit reports its own database counts, not the stored miss's", async () => {
    const id = crypto.randomUUID();
    const counted = publicHtml({ "x-greenroom-db-queries": "3", "x-greenroom-db-waves": "2" });
    expect((await throughCache(`/p/${id.toUpperCase()}`, counted)).headers.get("x-greenroom-cache")).toBe("MISS");
    const hit = await throughCache(`/p/${id}`, () => new Response("handler must not run", { status: 500 }));
    expect(hit.headers.get("x-greenroom-cache")).toBe("HIT");
    expect(hit.headers.get("x-greenroom-db-queries")).toBe("0");
    expect(hit.headers.get("x-greenroom-db-waves")).toBe("0");
    expect(hit.headers.get("x-greenroom-db-setups")).toBe("0");
  });

  it("ignores a query string, except Remix's own parameters and the comments cursor; renders on the local bypass header", async () => {
    const path = `/p/${crypto.randomUUID()}`;
    const mustNotRun = () => new Response("handler must not run", { status: 500 });
    expect((await throughCache(`${path}?utm_source=a`, publicHtml())).headers.get("x-greenroom-cache")).toBe("MISS");
    for (const query of ["", "?utm_source=b", `?cache-buster=${crypto.randomUUID()}`]) {
      const hit = await throughCache(`${path}${query}`, mustNotRun);
      expect(hit.headers.get("x-greenroom-cache"), query).toBe("HIT");
      expect(await hit.text()).toBe("<p>hello</p>");
    }
    const loaderData = () =>
      new Response("{}", { headers: { "content-type": "application/json", "cache-control": "public, max-age=60" } });
    const data = await throughCache(`${path}?_data=routes%2Fp.%24showId._index`, loaderData);
    expect(data.headers.has("x-greenroom-cache")).toBe(false);
    expect(await data.text()).toBe("{}");
    // An older page of comments renders: the cached copy holds the first page only.
    const older = await throughCache(
      `${path}?comments=cursor`,
      () =>
        new Response("<p>older</p>", {
          headers: { "content-type": "text/html", "cache-control": "public, max-age=60" },
        }),
    );
    expect(older.headers.has("x-greenroom-cache")).toBe(false);
    expect(await older.text()).toBe("<p>older</p>");
    const bypassed = await throughCache(path, publicHtml(), { headers: { "x-greenroom-edge-cache": "bypass" } });
    expect(bypassed.headers.has("x-greenroom-cache")).toBe(false);
    expect((await throughCache(path, mustNotRun)).headers.get("x-greenroom-cache")).toBe("HIT");
  });

  it("never stores a response that sets a cookie", async () => {
    const path = `/p/${crypto.randomUUID()}`;
    const response = await throughCache(path, publicHtml({ "set-cookie": "greenroom_session=secret; Path=/" }));
    expect(response.headers.get("set-cookie")).toBe("greenroom_session=secret; Path=/");
    expect(response.headers.has("x-greenroom-cache")).toBe(false);
    expect(await edgeCache()!.match(`${ORIGIN}${path}`)).toBeUndefined();
  });

  it("never stores private, uncacheable or failed responses", async () => {
    const cases = [
      publicHtml({ "cache-control": "private, max-age=60" }),
      publicHtml({ "cache-control": "no-store" }),
      publicHtml({ "cache-control": "public, max-age=60", vary: "*" }),
      () => new Response("missing", { status: 404, headers: { "cache-control": "public, max-age=60" } }),
    ];
    for (const handler of cases) {
      const path = `/p/${crypto.randomUUID()}`;
      await throughCache(path, handler);
      expect(await edgeCache()!.match(`${ORIGIN}${path}`)).toBeUndefined();
    }
  });

  it("does not answer a signed-in or authorized request from the cache", async () => {
    const path = `/p/${crypto.randomUUID()}`;
    await throughCache(path, publicHtml());
    for (const headers of [{ cookie: "greenroom_session=abc" }, { authorization: "Bearer x" }] as HeadersInit[]) {
      const fresh = await throughCache(path, () => new Response("fresh", { headers: { "cache-control": "private" } }), {
        headers,
      });
      expect(await fresh.text()).toBe("fresh");
    }
  });

  it("answers HEAD from the cache without a body and never stores a HEAD", async () => {
    const path = `/p/${crypto.randomUUID()}`;
    await throughCache(path, publicHtml(), { method: "HEAD" });
    expect(await edgeCache()!.match(`${ORIGIN}${path}`)).toBeUndefined();
    await throughCache(path, publicHtml());
    const head = await throughCache(path, publicHtml(), { method: "HEAD" });
    expect(head.headers.get("x-greenroom-cache")).toBe("HIT");
    expect(await head.text()).toBe("");
  });
});
