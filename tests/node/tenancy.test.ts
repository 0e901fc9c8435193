import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../server/trpc/router";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam, createUser, createWorkspace, type TestUser } from "../support/factories";
import { callerFor } from "../support/trpc";

/**
 * Every workspace procedure has two cases here: a member of the workspace succeeds ("allow"), and a user of
 * another workspace gets NOT_FOUND ("foreign") — both for the other tenant's workspace id and, where the
 * procedure takes an object id, for the other tenant's object addressed through the caller's own workspace.
 * The first test walks the router so a new workspace procedure without cases fails the suite.
 */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function expectNotFound(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error("expected NOT_FOUND, the call succeeded"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("NOT_FOUND");
}

/** Tenant A (a full team) and tenant B (an outsider who owns another workspace). */
async function tenants() {
  const a = await createTeam(t.db, "Tenant A");
  const outsider = await createUser(t.db, { name: "Oscar Outsider" });
  const b = await createWorkspace(t.db, outsider, "Tenant B");
  const bMember = await createUser(t.db);
  await callerFor(t.db, outsider).api.workspaces.inviteMember({ workspaceId: b.id, email: "b-invitee@example.test", role: "viewer" });
  const api = (user: TestUser) => callerFor(t.db, user).api.workspaces;
  return { a, b, outsider, bMember, api };
}
type Tenants = Awaited<ReturnType<typeof tenants>>;

interface TenancyCase {
  allow(x: Tenants): Promise<void>;
  foreign(x: Tenants): Promise<void>;
}

const cases: Record<string, TenancyCase> = {
  "workspaces.getOverview": {
    async allow({ a, api }) {
      expect(await api(a.viewer).getOverview({ workspaceId: a.workspace.id })).toMatchObject({ name: "Tenant A", memberCount: 4, role: "viewer" });
    },
    foreign: ({ a, outsider, api }) => expectNotFound(api(outsider).getOverview({ workspaceId: a.workspace.id })),
  },
  "workspaces.rename": {
    async allow({ a, api }) {
      expect(await api(a.admin).rename({ workspaceId: a.workspace.id, name: "Renamed A" })).toMatchObject({ name: "Renamed A" });
    },
    foreign: ({ a, outsider, api }) => expectNotFound(api(outsider).rename({ workspaceId: a.workspace.id, name: "Hijacked" })),
  },
  "workspaces.listMembers": {
    async allow({ a, api }) {
      expect((await api(a.viewer).listMembers({ workspaceId: a.workspace.id })).map((m) => m.role).sort()).toEqual(["admin", "editor", "owner", "viewer"]);
    },
    foreign: ({ a, outsider, api }) => expectNotFound(api(outsider).listMembers({ workspaceId: a.workspace.id })),
  },
  "workspaces.inviteMember": {
    async allow({ a, api }) {
      expect(await api(a.admin).inviteMember({ workspaceId: a.workspace.id, email: "new@example.test", role: "editor" })).toMatchObject({ email: "new@example.test" });
    },
    foreign: ({ a, outsider, api }) => expectNotFound(api(outsider).inviteMember({ workspaceId: a.workspace.id, email: "x@example.test", role: "viewer" })),
  },
  "workspaces.listInvitations": {
    async allow({ a, api }) {
      await api(a.owner).inviteMember({ workspaceId: a.workspace.id, email: "listed@example.test", role: "viewer" });
      expect((await api(a.viewer).listInvitations({ workspaceId: a.workspace.id })).map((i) => i.email)).toEqual(["listed@example.test"]);
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(api(outsider).listInvitations({ workspaceId: a.workspace.id }));
      await api(a.owner).inviteMember({ workspaceId: a.workspace.id, email: "secret@example.test", role: "viewer" });
      const own = await api(outsider).listInvitations({ workspaceId: b.id });
      expect(own.map((i) => i.email)).toEqual(["b-invitee@example.test"]);
    },
  },
  "workspaces.revokeInvitation": {
    async allow({ a, api }) {
      const invite = await api(a.admin).inviteMember({ workspaceId: a.workspace.id, email: "revoke@example.test", role: "viewer" });
      expect(await api(a.admin).revokeInvitation({ workspaceId: a.workspace.id, invitationId: invite.id })).toEqual({ id: invite.id });
    },
    async foreign({ a, b, outsider, api }) {
      const invite = await api(a.admin).inviteMember({ workspaceId: a.workspace.id, email: "keep@example.test", role: "viewer" });
      await expectNotFound(api(outsider).revokeInvitation({ workspaceId: a.workspace.id, invitationId: invite.id }));
      await expectNotFound(api(outsider).revokeInvitation({ workspaceId: b.id, invitationId: invite.id }));
      expect((await api(a.admin).listInvitations({ workspaceId: a.workspace.id })).map((i) => i.id)).toContain(invite.id);
    },
  },
  "workspaces.changeMemberRole": {
    async allow({ a, api }) {
      expect(await api(a.admin).changeMemberRole({ workspaceId: a.workspace.id, userId: a.viewer.id, role: "editor" })).toEqual({ userId: a.viewer.id, role: "editor" });
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(api(outsider).changeMemberRole({ workspaceId: a.workspace.id, userId: a.viewer.id, role: "admin" }));
      await expectNotFound(api(outsider).changeMemberRole({ workspaceId: b.id, userId: a.viewer.id, role: "admin" }));
    },
  },
  "workspaces.removeMember": {
    async allow({ a, api }) {
      expect(await api(a.admin).removeMember({ workspaceId: a.workspace.id, userId: a.editor.id })).toEqual({ userId: a.editor.id });
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(api(outsider).removeMember({ workspaceId: a.workspace.id, userId: a.editor.id }));
      await expectNotFound(api(outsider).removeMember({ workspaceId: b.id, userId: a.editor.id }));
      expect(await api(a.editor).listMembers({ workspaceId: a.workspace.id })).toHaveLength(4);
    },
  },
  "workspaces.leave": {
    async allow({ a, api }) {
      expect(await api(a.editor).leave({ workspaceId: a.workspace.id })).toEqual({ workspaceId: a.workspace.id });
    },
    foreign: ({ a, outsider, api }) => expectNotFound(api(outsider).leave({ workspaceId: a.workspace.id })),
  },
  "workspaces.transferOwnership": {
    async allow({ a, api }) {
      expect(await api(a.owner).transferOwnership({ workspaceId: a.workspace.id, userId: a.admin.id })).toEqual({ ownerUserId: a.admin.id });
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(api(outsider).transferOwnership({ workspaceId: a.workspace.id, userId: outsider.id }));
      await expectNotFound(api(outsider).transferOwnership({ workspaceId: b.id, userId: a.owner.id }));
    },
  },
  "workspaces.listAuditEvents": {
    async allow({ a, api }) {
      await api(a.owner).rename({ workspaceId: a.workspace.id, name: "Audited" });
      const page = await api(a.admin).listAuditEvents({ workspaceId: a.workspace.id, limit: 10 });
      expect(page.items.map((e) => e.action)).toContain("workspace.renamed");
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(api(outsider).listAuditEvents({ workspaceId: a.workspace.id, limit: 10 }));
      await api(a.owner).rename({ workspaceId: a.workspace.id, name: "Private rename" });
      const own = await api(outsider).listAuditEvents({ workspaceId: b.id, limit: 100 });
      expect(own.items.every((e) => e.detail.name !== "Private rename")).toBe(true);
      expect(own.items.map((e) => e.action)).toContain("member.invited");
    },
  },
};

describe("tenancy", () => {
  it("has an allow and a foreign-tenant case for every workspace procedure in the router", () => {
    const workspaceProcedures = Object.entries(appRouter._def.procedures)
      .filter(([, procedure]) => (procedure as unknown as { _def: { meta?: { workspacePermission?: string } } })._def.meta?.workspacePermission)
      .map(([path]) => path)
      .sort();
    expect(workspaceProcedures.length).toBeGreaterThan(0);
    expect(Object.keys(cases).sort()).toEqual(workspaceProcedures);
  });

  for (const [path, tenancyCase] of Object.entries(cases)) {
    it(`${path}: a member is allowed`, async () => tenancyCase.allow(await tenants()));
    it(`${path}: another tenant gets NOT_FOUND`, async () => tenancyCase.foreign(await tenants()));
  }
});
