import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { socialAccounts } from "../../db/schema";
import { ORIGIN, send, signUpOverHttp } from "./http";
import { workerDb } from "./podcast-fixtures";

const post = (path: string, cookie: string, fields: Record<string, string>) =>
  send(path, {
    method: "POST",
    headers: { cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });

describe("social accounts page", () => {
  it("shows the empty state, connects a labelled Sandbox account, then disconnects it", async () => {
    const owner = await signUpOverHttp();
    const page = `/w/${owner.workspaceId}/social/accounts`;
    const empty = await send(page, { headers: { cookie: owner.cookie } });
    expect(empty.status).toBe(200);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain("No social accounts yet.");
    expect(emptyHtml).toContain("Connect a Sandbox account");
    expect(emptyHtml).toContain("0 of 1 social account");
    expect(emptyHtml).toContain("Instagram is not set up on this Greenroom yet");

    const connected = await post(page, owner.cookie, { intent: "connect-sandbox", username: "page.sandbox" });
    expect(connected.status).toBe(200);
    const html = await (await send(page, { headers: { cookie: owner.cookie } })).text();
    expect(html).toContain("@page.sandbox");
    expect(html).toContain("Sandbox (local test account)");
    expect(html).toContain("1 of 1 social account");
    expect(html).toContain("Yes, disconnect @page.sandbox");

    const handle = workerDb();
    let accountId: string;
    try {
      [{ id: accountId }] = await handle.db
        .select({ id: socialAccounts.id })
        .from(socialAccounts)
        .where(eq(socialAccounts.workspaceId, owner.workspaceId));
    } finally {
      await handle.close();
    }
    const disconnected = await post(page, owner.cookie, { intent: "disconnect", accountId });
    expect(disconnected.status).toBe(200);
    const after = await (await send(page, { headers: { cookie: owner.cookie } })).text();
    expect(after).toContain("Disconnected accounts");
    expect(after).toContain("0 of 1 social account");
  });

  it("mounts Instagram's OAuth callback, which sends a signed-out visitor to log in first", async () => {
    const callback = await send("/api/social/instagram/callback?code=abc&state=xyz", { redirect: "manual" });
    expect(callback.status).toBe(303);
    expect(callback.headers.get("location")).toBe(
      `/login?${new URLSearchParams({ redirectTo: "/api/social/instagram/callback?code=abc&state=xyz" })}`,
    );
  });

  it("shows why an account needs reconnecting", async () => {
    const owner = await signUpOverHttp();
    const handle = workerDb();
    try {
      await handle.db.insert(socialAccounts).values({
        workspaceId: owner.workspaceId,
        provider: "instagram",
        externalId: `ig-${owner.userId}`,
        username: "lapsed.show",
        followersCount: 1234,
        mediaCount: 56,
        status: "needs_reconnect",
        statusReason: "Instagram refused to renew access: Session has expired.",
      });
    } finally {
      await handle.close();
    }
    const html = await (
      await send(`/w/${owner.workspaceId}/social/accounts`, { headers: { cookie: owner.cookie } })
    ).text();
    expect(html).toContain("Needs reconnect");
    expect(html).toContain("Instagram refused to renew access: Session has expired.");
    expect(html).toContain("1,234 followers · 56 posts");
  });
});
