import { describe, expect, it } from "vitest";
import { ORIGIN, mutate, send, signUpOverHttp } from "./http";

const QUERY_COUNT = "x-greenroom-db-queries";

describe("server-side rendering", () => {
  it("renders the landing page as HTML", async () => {
    const response = await send("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("<title>Greenroom");
    expect(html).toContain('href="/signup"');
  });

  it("renders the log-in form with labelled fields", async () => {
    const html = await (await send("/login")).text();
    expect(html).toMatch(/<form[^>]*method="post"/);
    expect(html).toMatch(/<label[^>]*for="email"/);
    expect(html).toMatch(/<label[^>]*for="password"/);
  });

  it("re-renders a form posted without JavaScript with inline field errors and a 400", async () => {
    const response = await send("/signup", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      body: new URLSearchParams({ name: "Form Tester", email: "not-an-email", password: "short" }).toString(),
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Enter a valid email address.");
    expect(html).toContain("Use at least 10 characters.");
    expect(html).toContain('value="Form Tester"');
    expect(html).toMatch(/aria-invalid="true"/);
  });

  it("redirects an anonymous visitor from the app to log in", async () => {
    const response = await send("/app", { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login/);
  });

  it("renders the dashboard in a fixed number of queries, however many members and workspaces there are", async () => {
    const owner = await signUpOverHttp("Dashboard Owner");
    const dashboard = `/w/${owner.workspaceId}`;
    const first = await send(dashboard, { headers: { cookie: owner.cookie } });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Dashboard Owner");
    const baseline = Number(first.headers.get(QUERY_COUNT));
    expect(baseline).toBeGreaterThan(0);
    expect(baseline).toBeLessThanOrEqual(6);

    for (let i = 0; i < 3; i++) {
      await mutate("workspaces.create", { name: `Extra ${i}` }, { cookie: owner.cookie });
      await mutate("workspaces.inviteMember", { workspaceId: owner.workspaceId, email: `invitee${i}@example.test`, role: "viewer" }, { cookie: owner.cookie });
    }
    const again = await send(dashboard, { headers: { cookie: owner.cookie } });
    expect(again.status).toBe(200);
    expect(Number(again.headers.get(QUERY_COUNT))).toBe(baseline);
  });
});
