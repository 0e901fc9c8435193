import { describe, expect, it } from "vitest";
import { ORIGIN, send, signUpOverHttp } from "./http";

const body = JSON.stringify({ json: { email: "someone@example.test", password: "whatever it is" } });

describe("cross-site request refusal", () => {
  it("refuses a tRPC POST from another origin with 403 and runs nothing", async () => {
    const response = await send("/api/trpc/auth.logIn", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body,
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "FORBIDDEN", message: "Cross-site request refused." } });
  });

  it("refuses a Remix form action posted from another site", async () => {
    const { cookie } = await signUpOverHttp();
    const response = await send("/logout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example", cookie },
      body: "",
    });
    expect(response.status).toBe(403);
  });

  it("refuses when the browser says the request is cross-site even without Origin", async () => {
    const response = await send("/api/trpc/auth.logIn", {
      method: "POST",
      headers: { "content-type": "application/json", "sec-fetch-site": "cross-site" },
      body,
    });
    expect(response.status).toBe(403);
  });

  it("lets same-origin writes through", async () => {
    const response = await send("/api/trpc/auth.logIn", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "sec-fetch-site": "same-origin" },
      body,
    });
    expect(response.status).toBe(401);
  });
});
