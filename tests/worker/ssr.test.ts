import { describe, expect, it } from "vitest";
import { ORIGIN, mutate, send, signUpOverHttp } from "./http";
import { eq } from "drizzle-orm";
import { billingAccounts, notifications, users } from "../../db/schema";
import { workerDb } from "./podcast-fixtures";

const QUERY_COUNT = "x-greenroom-db-queries";

/**
 * The error summary's items, each with where it links and where that target sits in the page. Every item must
 * be a link (a message without one strands keyboard and screen-reader users above the form).
 */
function errorSummaryTargets(html: string) {
  const summary = /<div[^>]*class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  expect(summary, "the page shows an error summary").not.toBeNull();
  const items = [...summary![1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]);
  expect(items.length).toBeGreaterThan(0);
  const end = summary!.index + summary![0].length;
  return items.map((item) => {
    const id = /^<a href="#([^"]+)">/.exec(item)?.[1];
    expect(id, `the summary item "${item}" links to its field`).toBeDefined();
    return { id: id!, position: html.indexOf(` id="${id!}"`, end) };
  });
}

function expectLinkedInPageOrder(html: string, ids: string[]) {
  const targets = errorSummaryTargets(html);
  expect(targets.map((target) => target.id)).toEqual(ids);
  for (const target of targets) expect(target.position, `#${target.id} exists below the summary`).toBeGreaterThan(0);
  const positions = targets.map((target) => target.position);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

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
    // The session statement, then one batch of the dashboard's bounded lists (workspaces.getDashboard).
    expect(baseline).toBeLessThanOrEqual(17);

    // A paid plan in its failed-payment grace period: seats for the invitations below, and the payment banner.
    const handle = workerDb();
    try {
      const graceUntil = new Date(Date.now() + 3 * 86_400_000);
      await handle.db
        .insert(billingAccounts)
        .values({ workspaceId: owner.workspaceId, plan: "pro", status: "past_due", graceUntil });
      const [user] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, owner.email));
      await handle.db.insert(notifications).values(
        ["a", "b"].map((key) => ({
          workspaceId: owner.workspaceId,
          userId: user.id,
          kind: "social.post_published" as const,
          title: "Published",
          body: "It is live.",
          dedupeKey: key,
        })),
      );
    } finally {
      await handle.close();
    }
    for (let i = 0; i < 3; i++) {
      expect((await mutate("workspaces.create", { name: `Extra ${i}` }, { cookie: owner.cookie })).status).toBe(200);
      const invite = await mutate(
        "workspaces.inviteMember",
        { workspaceId: owner.workspaceId, email: `invitee${i}@example.test`, role: "viewer" },
        { cookie: owner.cookie },
      );
      expect(invite.status).toBe(200);
    }
    const again = await send(dashboard, { headers: { cookie: owner.cookie } });
    expect(again.status).toBe(200);
    const html = await again.text();
    expect(html).toContain("A payment failed.");
    expect(html).toContain("Update payment method");
    expect(html).toMatch(/<span class="nav-count">2<\/span><span class="visually-hidden"> unread<\/span>/);
    expect(Number(again.headers.get(QUERY_COUNT))).toBe(baseline);
  });

  it("tells members of a workspace past its grace period that Free limits apply and nothing was deleted", async () => {
    const owner = await signUpOverHttp("Lapsed Owner");
    const handle = workerDb();
    try {
      await handle.db.insert(billingAccounts).values({
        workspaceId: owner.workspaceId,
        plan: "creator",
        status: "past_due",
        graceUntil: new Date(Date.now() - 86_400_000),
      });
    } finally {
      await handle.close();
    }
    const html = await (await send(`/w/${owner.workspaceId}`, { headers: { cookie: owner.cookie } })).text();
    expect(html).toContain("Payment overdue.");
    expect(html).toContain("Nothing has been deleted.");
  });

  it("links every error-summary item to its field, in the order the fields appear", async () => {
    const form = (fields: Record<string, string>) => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      body: new URLSearchParams(fields).toString(),
    });
    const signUp = await (await send("/signup", form({ name: "", email: "not-an-email", password: "short" }))).text();
    expectLinkedInPageOrder(signUp, ["name", "email", "password"]);

    const owner = await signUpOverHttp("Summary Owner");
    const social = `/w/${owner.workspaceId}/social`;
    const headers = (init: RequestInit) => ({ ...init, headers: { ...init.headers, cookie: owner.cookie } });
    const compose = await send(
      `${social}/compose`,
      headers(form({ intent: "schedule", type: "image", caption: "", scheduledLocal: "", timezone: "UTC" })),
    );
    expect(compose.status).toBe(400);
    const composeHtml = await compose.text();
    const composeIds = errorSummaryTargets(composeHtml).map((target) => target.id);
    expect(composeIds).toEqual(expect.arrayContaining(["mediaIds", "scheduledLocal"]));
    expectLinkedInPageOrder(composeHtml, composeIds);

    const sandbox = await send(
      `${social}/accounts`,
      headers(form({ intent: "connect-sandbox", username: "no spaces allowed!" })),
    );
    expectLinkedInPageOrder(await sandbox.text(), ["sandbox-username"]);
  });
});
