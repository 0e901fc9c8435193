import { describe, expect, it } from "vitest";
import { sandboxMedia, socialAccounts } from "../../db/schema";
import { ORIGIN, send, signUpOverHttp } from "./http";
import { workerDb } from "./podcast-fixtures";

const WEEK = 7 * 86_400_000;

describe("social analytics page", () => {
  it("asks to connect an account when there is none", async () => {
    const owner = await signUpOverHttp();
    const response = await send(`/w/${owner.workspaceId}/social/analytics`, { headers: { cookie: owner.cookie } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Connect an account");
  });

  it("syncs a Sandbox account on demand and shows its numbers, best times with their evidence, and top posts", async () => {
    const owner = await signUpOverHttp();
    const handle = workerDb();
    let accountId: string;
    try {
      const [account] = await handle.db
        .insert(socialAccounts)
        .values({
          workspaceId: owner.workspaceId,
          provider: "sandbox",
          externalId: `sbx-${owner.userId}`,
          username: "analytics_page",
        })
        .returning();
      accountId = account.id;
      // Four posts a week apart: the same weekday and hour, enough to recommend that slot.
      await handle.db.insert(sandboxMedia).values(
        [1, 2, 3, 4].map((weeks) => ({
          id: `sbx-page-${owner.userId}-${weeks}`,
          accountId: account.id,
          containerId: `sbx-page-c-${owner.userId}-${weeks}`,
          mediaType: "IMAGE",
          caption: `Episode teaser ${weeks}`,
          mediaIds: [],
          likeCount: 10 * weeks,
          commentsCount: 2,
          saved: 1,
          reach: 100,
          impressions: 150,
          publishedAt: new Date(Date.now() - weeks * WEEK),
        })),
      );
    } finally {
      await handle.close();
    }
    const page = `/w/${owner.workspaceId}/social/analytics`;
    const before = await (await send(page, { headers: { cookie: owner.cookie } })).text();
    expect(before).toContain("Sync to see analytics");
    expect(before).toContain("Not synced yet.");

    const sync = await send(page, {
      method: "POST",
      headers: { cookie: owner.cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "sync", accountId }).toString(),
    });
    expect(sync.status).toBe(200);

    const after = await (
      await send(`${page}?account=${accountId}&tz=UTC`, { headers: { cookie: owner.cookie } })
    ).text();
    expect(after).toContain("Last synced");
    expect(after).toContain("Best time to post");
    expect(after).toMatch(/<th scope="row">[A-Z][a-z]+day<\/th>/);
    expect(after).toContain("4 posts");
    expect(after).toContain("Recommended");
    expect(after).toContain("Top posts");
    expect(after).toContain("Episode teaser 4");
    expect(after).not.toContain("Sync to see analytics");
  });
});
