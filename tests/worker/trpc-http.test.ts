import { describe, expect, it } from "vitest";
import { mutate, query, send, sessionCookieFrom, signUpOverHttp } from "./http";

describe("tRPC over HTTP", () => {
  it("signs up, sets an HttpOnly session cookie, and recognises it on the next request", async () => {
    const { cookie, email } = await signUpOverHttp();
    expect(cookie).toMatch(/^greenroom_session=[\w-]+\.[\w-]+$/);
    const response = await query("auth.getSession", undefined, { cookie });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { json: { user: { email: string } } } } };
    expect(body.result.data.json.user.email).toBe(email);
  });

  it("returns 400 with per-field errors for invalid input", async () => {
    const response = await mutate("auth.signUp", { name: "", email: "nope", password: "short" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { json: { message: string; data: { fieldErrors: Record<string, string[]> } } };
    };
    expect(body.error.json.message).toBe("Some fields need attention.");
    expect(Object.keys(body.error.json.data.fieldErrors).sort()).toEqual(["email", "name", "password"]);
  });

  it("answers UNAUTHORIZED without a session and NOT_FOUND for another tenant's workspace", async () => {
    expect((await query("workspaces.list", undefined)).status).toBe(401);
    const alice = await signUpOverHttp("Alice");
    const bob = await signUpOverHttp("Bob");
    const response = await query("workspaces.getOverview", { workspaceId: alice.workspaceId }, { cookie: bob.cookie });
    expect(response.status).toBe(404);
  });

  it("sends Set-Cookie to clear the session on log out", async () => {
    const { cookie } = await signUpOverHttp();
    const response = await mutate("auth.logOut", undefined, { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().join()).toContain("Max-Age=0");
    expect(sessionCookieFrom(response)).toBe("greenroom_session=");
  });

  it("accepts a batch up to the limit and refuses a larger one", async () => {
    const paths = (n: number) => Array.from({ length: n }, () => "auth.getSession").join(",");
    const inputs = (n: number) =>
      encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, {}]))));
    expect((await send(`/api/trpc/${paths(10)}?batch=1&input=${inputs(10)}`)).status).toBe(200);
    expect((await send(`/api/trpc/${paths(11)}?batch=1&input=${inputs(11)}`)).status).toBe(400);
  });
});
