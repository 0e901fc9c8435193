import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { sandboxMedia, socialAccounts } from "../../../db/schema";
import { createReadyMedia, createSandboxAccount } from "../../support/social-pipeline";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** Tenant A has a sandbox account with one published sandbox post; returns the account and the media id. */
async function sandboxInA({ db, a }: Tenants) {
  const account = await createSandboxAccount(db, a.workspace.id, { username: "tenant.a.sandbox" });
  const file = await createReadyMedia(db, a.workspace.id);
  const mediaId = `sbm_${account.id.replaceAll("-", "")}`;
  await db.insert(sandboxMedia).values({
    id: mediaId,
    accountId: account.id,
    containerId: `sbc_${mediaId}`,
    mediaType: "IMAGE",
    caption: "Tenant A only",
    mediaIds: [file.id],
  });
  return { account, mediaId, fileId: file.id };
}

export const cases: Record<string, TenancyCase> = {
  "socialSandbox.listFeed": {
    async allow(x) {
      const { account, mediaId, fileId } = await sandboxInA(x);
      const feed = await x.api(x.a.viewer).socialSandbox.listFeed({ workspaceId: x.a.workspace.id });
      expect(feed.accounts.map((a) => a.id)).toEqual([account.id]);
      expect(feed.items).toMatchObject([
        { id: mediaId, caption: "Tenant A only", media: [{ id: fileId, kind: "image" }] },
      ]);
    },
    async foreign(x) {
      const { account } = await sandboxInA(x);
      await expectNotFound(x.api(x.outsider).socialSandbox.listFeed({ workspaceId: x.a.workspace.id }));
      // Tenant A's account id through the outsider's own workspace is not found.
      await expectNotFound(x.api(x.outsider).socialSandbox.listFeed({ workspaceId: x.b.id, accountId: account.id }));
    },
  },
  "socialSandbox.setBehaviour": {
    async allow(x) {
      const { account } = await sandboxInA(x);
      const result = await x.api(x.a.admin).socialSandbox.setBehaviour({
        workspaceId: x.a.workspace.id,
        accountId: account.id,
        failNext: "transient",
        times: 2,
      });
      expect(result.behaviour).toEqual({ failNext: "transient", times: 2 });
      const [row] = await x.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
      expect(row.sandboxBehaviour).toEqual({ failNext: "transient", times: 2 });
    },
    async foreign(x) {
      const { account } = await sandboxInA(x);
      await expectNotFound(
        x
          .api(x.outsider)
          .socialSandbox.setBehaviour({ workspaceId: x.a.workspace.id, accountId: account.id, failNext: "permanent" }),
      );
      await expectNotFound(
        x
          .api(x.outsider)
          .socialSandbox.setBehaviour({ workspaceId: x.b.id, accountId: account.id, failNext: "permanent" }),
      );
      // Only sandbox accounts take injected failures; an Instagram account of the workspace is not found.
      const [instagram] = await x.db
        .insert(socialAccounts)
        .values({
          workspaceId: x.a.workspace.id,
          provider: "instagram",
          externalId: "17841400000000009",
          username: "real.account",
        })
        .returning();
      await expectNotFound(
        x.api(x.a.admin).socialSandbox.setBehaviour({
          workspaceId: x.a.workspace.id,
          accountId: instagram.id,
          failNext: "permanent",
        }),
      );
      const [row] = await x.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
      expect(row.sandboxBehaviour).toBeNull();
    },
  },
};
