import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { sandboxMedia, socialAccounts, socialMediaItems } from "../../../db/schema";
import { insertTranscript } from "../../support/transcripts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** Tenant A has a Sandbox account with one post in its sandbox feed and that post synced; returns the account. */
async function accountOfTenantA({ db, a }: Tenants) {
  const [account] = await db
    .insert(socialAccounts)
    .values({
      workspaceId: a.workspace.id,
      provider: "sandbox",
      externalId: randomUUID(),
      username: "tenant_a_sandbox",
    })
    .returning();
  const postedAt = new Date(Date.now() - 86_400_000);
  await db.insert(sandboxMedia).values({
    id: `sbx-${randomUUID()}`,
    accountId: account.id,
    containerId: `sbx-c-${randomUUID()}`,
    mediaType: "IMAGE",
    caption: "Tenant A's post",
    mediaIds: [],
    likeCount: 8,
    commentsCount: 1,
    saved: 1,
    reach: 40,
    impressions: 60,
    publishedAt: postedAt,
  });
  await db.insert(socialMediaItems).values({
    workspaceId: a.workspace.id,
    accountId: account.id,
    remoteId: `remote-${randomUUID()}`,
    mediaType: "IMAGE",
    caption: "Tenant A's post",
    postedAt,
    likeCount: 8,
    commentsCount: 1,
    saved: 1,
    reach: 40,
    engagementRate: 0.25,
    syncedAt: new Date(),
  });
  return account;
}

export const cases: Record<string, TenancyCase> = {
  "socialInsights.getAccountAnalytics": {
    async allow(x) {
      const account = await accountOfTenantA(x);
      const result = await x.api(x.a.viewer).socialInsights.getAccountAnalytics({ workspaceId: x.a.workspace.id });
      expect(result.accounts.map((a) => a.id)).toEqual([account.id]);
      expect(result.account?.id).toBe(account.id);
    },
    async foreign(x) {
      const account = await accountOfTenantA(x);
      const outsider = x.api(x.outsider).socialInsights;
      await expectNotFound(outsider.getAccountAnalytics({ workspaceId: x.a.workspace.id }));
      await expectNotFound(outsider.getAccountAnalytics({ workspaceId: x.b.id, accountId: account.id }));
      expect(await outsider.getAccountAnalytics({ workspaceId: x.b.id })).toEqual({
        accounts: [],
        account: null,
        analytics: null,
      });
    },
  },
  "socialInsights.listMedia": {
    async allow(x) {
      const account = await accountOfTenantA(x);
      const result = await x
        .api(x.a.viewer)
        .socialInsights.listMedia({ workspaceId: x.a.workspace.id, accountId: account.id, sort: "engagement" });
      expect(result.items.map((i) => i.caption)).toEqual(["Tenant A's post"]);
      expect(result.total).toBe(1);
    },
    async foreign(x) {
      const account = await accountOfTenantA(x);
      const outsider = x.api(x.outsider).socialInsights;
      await expectNotFound(outsider.listMedia({ workspaceId: x.a.workspace.id, accountId: account.id }));
      await expectNotFound(outsider.listMedia({ workspaceId: x.b.id, accountId: account.id }));
    },
  },
  "socialInsights.getBestTimes": {
    async allow(x) {
      const account = await accountOfTenantA(x);
      const result = await x.api(x.a.viewer).socialInsights.getBestTimes({
        workspaceId: x.a.workspace.id,
        accountId: account.id,
        timezone: "Europe/Berlin",
      });
      expect(result.totalPosts).toBe(1);
      expect(result.timezone).toBe("Europe/Berlin");
    },
    async foreign(x) {
      const account = await accountOfTenantA(x);
      const outsider = x.api(x.outsider).socialInsights;
      await expectNotFound(
        outsider.getBestTimes({ workspaceId: x.a.workspace.id, accountId: account.id, timezone: "UTC" }),
      );
      await expectNotFound(outsider.getBestTimes({ workspaceId: x.b.id, accountId: account.id, timezone: "UTC" }));
    },
  },
  "socialInsights.syncNow": {
    async allow(x) {
      const account = await accountOfTenantA(x);
      const result = await x
        .api(x.a.editor)
        .socialInsights.syncNow({ workspaceId: x.a.workspace.id, accountId: account.id });
      expect(result).toEqual({ status: "synced", media: 1, message: null });
    },
    async foreign(x) {
      const account = await accountOfTenantA(x);
      const outsider = x.api(x.outsider).socialInsights;
      await expectNotFound(outsider.syncNow({ workspaceId: x.a.workspace.id, accountId: account.id }));
      await expectNotFound(outsider.syncNow({ workspaceId: x.b.id, accountId: account.id }));
      const [after] = await x.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
      expect(after.lastSyncedAt).toBeNull();
    },
  },
  "socialInsights.suggestCaption": {
    async allow(x) {
      const result = await x.api(x.a.editor).socialInsights.suggestCaption({
        workspaceId: x.a.workspace.id,
        caption: "Microphones, microphones and more microphones",
      });
      expect(result.source).toBe("keywords");
      expect(result.hashtags[0]).toBe("#microphones");
    },
    async foreign(x) {
      const { transcript } = await insertTranscript(x.db, x.a.workspace.id);
      const outsider = x.api(x.outsider).socialInsights;
      await expectNotFound(outsider.suggestCaption({ workspaceId: x.a.workspace.id, caption: "Hello there friends" }));
      await expectNotFound(
        outsider.suggestCaption({ workspaceId: x.b.id, sourceType: "transcript", sourceId: transcript.id }),
      );
    },
  },
};
