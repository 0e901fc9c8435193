import { expect } from "vitest";
import { expectNotFound, giveTenantASeats, type TenancyCase } from "./harness";

export const cases: Record<string, TenancyCase> = {
  "workspaces.getOverview": {
    async allow({ a, api }) {
      expect(await api(a.viewer).workspaces.getOverview({ workspaceId: a.workspace.id })).toMatchObject({
        name: "Tenant A",
        memberCount: 4,
        role: "viewer",
      });
    },
    foreign: ({ a, outsider, api }) =>
      expectNotFound(api(outsider).workspaces.getOverview({ workspaceId: a.workspace.id })),
  },
  "workspaces.getDashboard": {
    async allow({ a, api }) {
      expect(await api(a.viewer).workspaces.getDashboard({ workspaceId: a.workspace.id })).toMatchObject({
        name: "Tenant A",
        memberCount: 4,
        role: "viewer",
      });
    },
    foreign: ({ a, outsider, api }) =>
      expectNotFound(api(outsider).workspaces.getDashboard({ workspaceId: a.workspace.id })),
  },
  "workspaces.rename": {
    async allow({ a, api }) {
      expect(await api(a.admin).workspaces.rename({ workspaceId: a.workspace.id, name: "Renamed A" })).toMatchObject({
        name: "Renamed A",
      });
    },
    foreign: ({ a, outsider, api }) =>
      expectNotFound(api(outsider).workspaces.rename({ workspaceId: a.workspace.id, name: "Hijacked" })),
  },
  "workspaces.listMembers": {
    async allow({ a, api }) {
      expect(
        (await api(a.viewer).workspaces.listMembers({ workspaceId: a.workspace.id })).map((m) => m.role).sort(),
      ).toEqual(["admin", "editor", "owner", "viewer"]);
    },
    foreign: ({ a, outsider, api }) =>
      expectNotFound(api(outsider).workspaces.listMembers({ workspaceId: a.workspace.id })),
  },
  "workspaces.inviteMember": {
    async allow({ a, api, db }) {
      await giveTenantASeats({ db, a });
      expect(
        await api(a.admin).workspaces.inviteMember({
          workspaceId: a.workspace.id,
          email: "new@example.test",
          role: "editor",
        }),
      ).toMatchObject({ email: "new@example.test" });
    },
    foreign: ({ a, outsider, api }) =>
      expectNotFound(
        api(outsider).workspaces.inviteMember({ workspaceId: a.workspace.id, email: "x@example.test", role: "viewer" }),
      ),
  },
  "workspaces.listInvitations": {
    async allow({ a, api, db }) {
      await giveTenantASeats({ db, a });
      await api(a.owner).workspaces.inviteMember({
        workspaceId: a.workspace.id,
        email: "listed@example.test",
        role: "viewer",
      });
      expect(
        (await api(a.viewer).workspaces.listInvitations({ workspaceId: a.workspace.id })).map((i) => i.email),
      ).toEqual(["listed@example.test"]);
    },
    async foreign({ a, b, outsider, api, db }) {
      await expectNotFound(api(outsider).workspaces.listInvitations({ workspaceId: a.workspace.id }));
      await giveTenantASeats({ db, a });
      await api(a.owner).workspaces.inviteMember({
        workspaceId: a.workspace.id,
        email: "secret@example.test",
        role: "viewer",
      });
      const own = await api(outsider).workspaces.listInvitations({ workspaceId: b.id });
      expect(own.map((i) => i.email)).toEqual(["b-invitee@example.test"]);
    },
  },
  "workspaces.revokeInvitation": {
    async allow({ a, api, db }) {
      await giveTenantASeats({ db, a });
      const invite = await api(a.admin).workspaces.inviteMember({
        workspaceId: a.workspace.id,
        email: "revoke@example.test",
        role: "viewer",
      });
      expect(
        await api(a.admin).workspaces.revokeInvitation({ workspaceId: a.workspace.id, invitationId: invite.id }),
      ).toEqual({ id: invite.id });
    },
    async foreign({ a, b, outsider, api, db }) {
      await giveTenantASeats({ db, a });
      const invite = await api(a.admin).workspaces.inviteMember({
        workspaceId: a.workspace.id,
        email: "keep@example.test",
        role: "viewer",
      });
      await expectNotFound(
        api(outsider).workspaces.revokeInvitation({ workspaceId: a.workspace.id, invitationId: invite.id }),
      );
      await expectNotFound(api(outsider).workspaces.revokeInvitation({ workspaceId: b.id, invitationId: invite.id }));
      expect(
        (await api(a.admin).workspaces.listInvitations({ workspaceId: a.workspace.id })).map((i) => i.id),
      ).toContain(invite.id);
    },
  },
  "workspaces.changeMemberRole": {
    async allow({ a, api }) {
      expect(
        await api(a.admin).workspaces.changeMemberRole({
          workspaceId: a.workspace.id,
          userId: a.viewer.id,
          role: "editor",
        }),
      ).toEqual({ userId: a.viewer.id, role: "editor" });
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(
        api(outsider).workspaces.changeMemberRole({ workspaceId: a.workspace.id, userId: a.viewer.id, role: "admin" }),
      );
      await expectNotFound(
        api(outsider).workspaces.changeMemberRole({ workspaceId: b.id, userId: a.viewer.id, role: "admin" }),
      );
    },
  },
  "workspaces.removeMember": {
    async allow({ a, api }) {
      expect(await api(a.admin).workspaces.removeMember({ workspaceId: a.workspace.id, userId: a.editor.id })).toEqual({
        userId: a.editor.id,
      });
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(api(outsider).workspaces.removeMember({ workspaceId: a.workspace.id, userId: a.editor.id }));
      await expectNotFound(api(outsider).workspaces.removeMember({ workspaceId: b.id, userId: a.editor.id }));
      expect(await api(a.editor).workspaces.listMembers({ workspaceId: a.workspace.id })).toHaveLength(4);
    },
  },
  "workspaces.leave": {
    async allow({ a, api }) {
      expect(await api(a.editor).workspaces.leave({ workspaceId: a.workspace.id })).toEqual({
        workspaceId: a.workspace.id,
      });
    },
    foreign: ({ a, outsider, api }) => expectNotFound(api(outsider).workspaces.leave({ workspaceId: a.workspace.id })),
  },
  "workspaces.transferOwnership": {
    async allow({ a, api }) {
      expect(
        await api(a.owner).workspaces.transferOwnership({ workspaceId: a.workspace.id, userId: a.admin.id }),
      ).toEqual({ ownerUserId: a.admin.id });
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(
        api(outsider).workspaces.transferOwnership({ workspaceId: a.workspace.id, userId: outsider.id }),
      );
      await expectNotFound(api(outsider).workspaces.transferOwnership({ workspaceId: b.id, userId: a.owner.id }));
    },
  },
  "workspaces.listAuditEvents": {
    async allow({ a, api }) {
      await api(a.owner).workspaces.rename({ workspaceId: a.workspace.id, name: "Audited" });
      const page = await api(a.admin).workspaces.listAuditEvents({ workspaceId: a.workspace.id, limit: 10 });
      expect(page.items.map((e) => e.action)).toContain("workspace.renamed");
    },
    async foreign({ a, b, outsider, api }) {
      await expectNotFound(api(outsider).workspaces.listAuditEvents({ workspaceId: a.workspace.id, limit: 10 }));
      await api(a.owner).workspaces.rename({ workspaceId: a.workspace.id, name: "Private rename" });
      const own = await api(outsider).workspaces.listAuditEvents({ workspaceId: b.id, limit: 100 });
      expect(own.items.every((e) => e.detail.name !== "Private rename")).toBe(true);
      expect(own.items.map((e) => e.action)).toContain("member.invited");
    },
  },
  "workspaces.getSetup": {
    async allow({ a, api }) {
      const setup = await api(a.owner).workspaces.getSetup({ workspaceId: a.workspace.id });
      expect(setup.items.map((item) => item.area)).toEqual([
        "payments",
        "email",
        "transcription",
        "summaries",
        "instagram",
        "storage",
      ]);
      await expect(api(a.admin).workspaces.getSetup({ workspaceId: a.workspace.id })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    },
    foreign: ({ a, outsider, api }) =>
      expectNotFound(api(outsider).workspaces.getSetup({ workspaceId: a.workspace.id })),
  },
};
