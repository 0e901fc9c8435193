import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { socialAccounts } from "../../../db/schema";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** Connecting only builds Instagram's consent URL, so app credentials suffice; no request leaves the test. */
const instagramEnv = { INSTAGRAM_APP_ID: "tenancy-app", INSTAGRAM_APP_SECRET: "tenancy-secret" };

/** Tenant A's admin connects a Sandbox account; returns its id. */
async function sandboxOfTenantA(x: Tenants) {
  const account = await x
    .api(x.a.admin)
    .socialAccounts.connectSandboxAccount({ workspaceId: x.a.workspace.id, username: "tenant.a" });
  return account.id;
}

export const cases: Record<string, TenancyCase> = {
  "socialAccounts.listAccounts": {
    async allow(x) {
      const id = await sandboxOfTenantA(x);
      const { items } = await x.api(x.a.viewer).socialAccounts.listAccounts({ workspaceId: x.a.workspace.id });
      expect(items.map((a) => a.id)).toEqual([id]);
    },
    async foreign(x) {
      await sandboxOfTenantA(x);
      await expectNotFound(x.api(x.outsider).socialAccounts.listAccounts({ workspaceId: x.a.workspace.id }));
      expect(
        (await x.api(x.outsider).socialAccounts.listAccounts({ workspaceId: x.b.id, includeDisconnected: true })).items,
      ).toEqual([]);
    },
  },
  "socialAccounts.getAccount": {
    async allow(x) {
      const id = await sandboxOfTenantA(x);
      expect(
        (await x.api(x.a.editor).socialAccounts.getAccount({ workspaceId: x.a.workspace.id, accountId: id })).username,
      ).toBe("tenant.a");
    },
    async foreign(x) {
      const id = await sandboxOfTenantA(x);
      await expectNotFound(
        x.api(x.outsider).socialAccounts.getAccount({ workspaceId: x.a.workspace.id, accountId: id }),
      );
      await expectNotFound(x.api(x.outsider).socialAccounts.getAccount({ workspaceId: x.b.id, accountId: id }));
    },
  },
  "socialAccounts.startInstagramConnect": {
    async allow(x) {
      const { url } = await x.api(x.a.owner, { env: instagramEnv }).socialAccounts.startInstagramConnect({
        workspaceId: x.a.workspace.id,
      });
      expect(new URL(url).searchParams.get("client_id")).toBe("tenancy-app");
    },
    async foreign(x) {
      const outsider = x.api(x.outsider, { env: instagramEnv });
      await expectNotFound(outsider.socialAccounts.startInstagramConnect({ workspaceId: x.a.workspace.id }));
      expect((await outsider.socialAccounts.startInstagramConnect({ workspaceId: x.b.id })).url).toMatch(
        /^https:\/\/www\.instagram\.com\/oauth\/authorize\?/,
      );
    },
  },
  "socialAccounts.connectSandboxAccount": {
    async allow(x) {
      const account = await x
        .api(x.a.owner)
        .socialAccounts.connectSandboxAccount({ workspaceId: x.a.workspace.id, username: "owner.sandbox" });
      expect(account.provider).toBe("sandbox");
    },
    async foreign(x) {
      await expectNotFound(
        x.api(x.outsider).socialAccounts.connectSandboxAccount({ workspaceId: x.a.workspace.id, username: "intruder" }),
      );
      const own = await x
        .api(x.outsider)
        .socialAccounts.connectSandboxAccount({ workspaceId: x.b.id, username: "outsider" });
      const [row] = await x.db.select().from(socialAccounts).where(eq(socialAccounts.id, own.id));
      expect(row.workspaceId).toBe(x.b.id);
    },
  },
  "socialAccounts.disconnectAccount": {
    async allow(x) {
      const id = await sandboxOfTenantA(x);
      expect(
        (await x.api(x.a.owner).socialAccounts.disconnectAccount({ workspaceId: x.a.workspace.id, accountId: id }))
          .status,
      ).toBe("disconnected");
    },
    async foreign(x) {
      const id = await sandboxOfTenantA(x);
      await expectNotFound(
        x.api(x.outsider).socialAccounts.disconnectAccount({ workspaceId: x.a.workspace.id, accountId: id }),
      );
      await expectNotFound(x.api(x.outsider).socialAccounts.disconnectAccount({ workspaceId: x.b.id, accountId: id }));
      const [row] = await x.db.select().from(socialAccounts).where(eq(socialAccounts.id, id));
      expect(row.status).toBe("active");
    },
  },
};
