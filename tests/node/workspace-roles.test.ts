import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emails, invitations, memberships } from "../../db/schema";
import { PERMISSIONS, can } from "../../server/services/workspaces/permissions";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam, createUser } from "../support/factories";
import { callerFor } from "../support/trpc";
import { setPlanLocally } from "../../server/services/billing/accounts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function codeOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

async function inviteLink(email: string) {
  const rows = await t.db.select().from(emails).where(eq(emails.to, email));
  const token = /\/invite\/([\w-]+)/.exec(rows.at(-1)!.text)?.[1];
  if (!token) throw new Error(`no invitation email for ${email}`);
  return token;
}

describe("permission matrix", () => {
  it("gives owners every permission and viewers only read permissions", () => {
    // Reads kept from viewers: who did what (audit), how the installation is configured (setup, owners only) and
    // the audience's personal data (supporters' names, emails, payments: ADR 022), and attendees' (ADR 030).
    const restrictedReads = new Set(["audit.read", "setup.read", "audience.read", "events.read"]);
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      expect(can("owner", permission)).toBe(true);
      expect(can("viewer", permission)).toBe(permission.endsWith(".read") && !restrictedReads.has(permission));
    }
    expect(can("admin", "setup.read")).toBe(false);
  });

  it("gives stewards check-in and nothing else, and keeps the ticket list from viewers", () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      expect(can("steward", permission)).toBe(permission === "checkin.scan");
    }
    expect(can("viewer", "checkin.scan")).toBe(false);
    expect(can("editor", "checkin.scan")).toBe(true);
  });
});

describe("role enforcement (FORBIDDEN for members whose role is too weak)", () => {
  it("viewers and editors cannot manage members, rename or read the audit log", async () => {
    const { workspace, viewer, editor } = await createTeam(t.db);
    for (const user of [viewer, editor]) {
      const api = callerFor(t.db, user).api.workspaces;
      expect(
        await codeOf(api.inviteMember({ workspaceId: workspace.id, email: "x@example.test", role: "viewer" })),
      ).toBe("FORBIDDEN");
      expect(await codeOf(api.rename({ workspaceId: workspace.id, name: "Nope" }))).toBe("FORBIDDEN");
      expect(await codeOf(api.listAuditEvents({ workspaceId: workspace.id, limit: 5 }))).toBe("FORBIDDEN");
    }
  });

  it("admins cannot touch owners or create owners; only owners transfer ownership", async () => {
    const { workspace, owner, admin, viewer } = await createTeam(t.db);
    const api = callerFor(t.db, admin).api.workspaces;
    expect(await codeOf(api.removeMember({ workspaceId: workspace.id, userId: owner.id }))).toBe("FORBIDDEN");
    expect(await codeOf(api.changeMemberRole({ workspaceId: workspace.id, userId: owner.id, role: "viewer" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(api.changeMemberRole({ workspaceId: workspace.id, userId: viewer.id, role: "owner" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(api.transferOwnership({ workspaceId: workspace.id, userId: admin.id }))).toBe("FORBIDDEN");
  });

  it("the last owner cannot leave, be demoted, or be removed; after a transfer they can leave", async () => {
    const { workspace, owner, admin } = await createTeam(t.db);
    const api = callerFor(t.db, owner).api.workspaces;
    expect(await codeOf(api.leave({ workspaceId: workspace.id }))).toBe("PRECONDITION_FAILED");
    expect(await codeOf(api.changeMemberRole({ workspaceId: workspace.id, userId: owner.id, role: "admin" }))).toBe(
      "PRECONDITION_FAILED",
    );
    await api.transferOwnership({ workspaceId: workspace.id, userId: admin.id });
    const members = await api.listMembers({ workspaceId: workspace.id });
    expect(Object.fromEntries(members.map((m) => [m.userId, m.role]))).toMatchObject({
      [owner.id]: "admin",
      [admin.id]: "owner",
    });
    await api.leave({ workspaceId: workspace.id });
    expect(await codeOf(api.getOverview({ workspaceId: workspace.id }))).toBe("NOT_FOUND");
  });

  it("anyone can create another workspace and becomes its owner", async () => {
    const user = await createUser(t.db);
    const api = callerFor(t.db, user).api.workspaces;
    const created = await api.create({ name: "Side project" });
    expect(created.role).toBe("owner");
    expect((await api.list()).map((w) => w.name)).toContain("Side project");
  });
});

describe("invitations", () => {
  // A team of four needs a paid plan's seats to invite anyone more (seat quotas are tested in billing-usage).
  const onPlanWithRoom = (workspaceId: string) =>
    setPlanLocally({ db: t.db, workspaceId, plan: "pro", environment: "test", now: new Date() });
  it("accepts once, for the invited address only, with the invited role", async () => {
    const { workspace, admin } = await createTeam(t.db);
    await onPlanWithRoom(workspace.id);
    const invitee = await createUser(t.db, { email: "invitee@example.test" });
    const stranger = await createUser(t.db);
    await callerFor(t.db, admin).api.workspaces.inviteMember({
      workspaceId: workspace.id,
      email: "Invitee@Example.test",
      role: "editor",
    });
    const token = await inviteLink("invitee@example.test");

    expect(await callerFor(t.db, null).api.workspaces.previewInvitation({ token })).toMatchObject({
      role: "editor",
      email: "invitee@example.test",
    });
    expect(await codeOf(callerFor(t.db, stranger).api.workspaces.acceptInvitation({ token }))).toBe("FORBIDDEN");
    expect(await callerFor(t.db, invitee).api.workspaces.acceptInvitation({ token })).toEqual({
      workspaceId: workspace.id,
    });
    expect(await callerFor(t.db, invitee).api.workspaces.getOverview({ workspaceId: workspace.id })).toMatchObject({
      role: "editor",
    });
    expect(await codeOf(callerFor(t.db, invitee).api.workspaces.acceptInvitation({ token }))).toBe("NOT_FOUND");
  });

  it("signing up through an invitation joins its workspace and creates no personal one", async () => {
    const { workspace, admin } = await createTeam(t.db);
    await onPlanWithRoom(workspace.id);
    await callerFor(t.db, admin).api.workspaces.inviteMember({
      workspaceId: workspace.id,
      email: "newcomer@example.test",
      role: "viewer",
    });
    const token = await inviteLink("newcomer@example.test");
    const { api, ctx } = callerFor(t.db, null);
    const created = await api.auth.signUp({
      name: "New Comer",
      email: "newcomer@example.test",
      password: "a long enough password",
      invitationToken: token,
    });
    expect(created).toMatchObject({ workspaceId: workspace.id, joinedByInvitation: true });
    const owned = await t.db.select().from(memberships).where(eq(memberships.userId, created.userId));
    expect(owned.map((m) => [m.workspaceId, m.role])).toEqual([[workspace.id, "viewer"]]);
    expect(ctx.responseHeaders.get("set-cookie")).toContain("session");
    const [invitation] = await t.db.select().from(invitations).where(eq(invitations.email, "newcomer@example.test"));
    expect(invitation.acceptedAt).not.toBeNull();

    // The used link, or one sent to another address, cannot add anyone: that sign-up gets its own workspace.
    const other = await callerFor(t.db, null).api.auth.signUp({
      name: "Late Comer",
      email: "latecomer@example.test",
      password: "a long enough password",
      invitationToken: token,
    });
    expect(other.joinedByInvitation).toBe(false);
    expect(other.workspaceId).not.toBe(workspace.id);
    const theirs = await t.db.select().from(memberships).where(eq(memberships.userId, other.userId));
    expect(theirs.map((m) => [m.workspaceId, m.role])).toEqual([[other.workspaceId, "owner"]]);
  });

  it("expires after 7 days, and a re-invite replaces the earlier link", async () => {
    const { workspace, owner } = await createTeam(t.db);
    await onPlanWithRoom(workspace.id);
    const invitee = await createUser(t.db, { email: "late@example.test" });
    const api = callerFor(t.db, owner).api.workspaces;
    await api.inviteMember({ workspaceId: workspace.id, email: "late@example.test", role: "viewer" });
    const first = await inviteLink("late@example.test");
    await api.inviteMember({ workspaceId: workspace.id, email: "late@example.test", role: "viewer" });
    const second = await inviteLink("late@example.test");
    expect(await codeOf(callerFor(t.db, invitee).api.workspaces.acceptInvitation({ token: first }))).toBe("NOT_FOUND");
    const eightDays = () => new Date(Date.now() + 8 * 86400_000);
    expect(
      await codeOf(callerFor(t.db, invitee, { clock: eightDays }).api.workspaces.acceptInvitation({ token: second })),
    ).toBe("NOT_FOUND");
    const pending = await t.db.select().from(invitations).where(eq(invitations.email, "late@example.test"));
    expect(pending.filter((i) => i.revokedAt === null)).toHaveLength(1);
  });

  it("refuses to invite someone already in the workspace", async () => {
    const { workspace, owner, editor } = await createTeam(t.db);
    await onPlanWithRoom(workspace.id);
    expect(
      await codeOf(
        callerFor(t.db, owner).api.workspaces.inviteMember({
          workspaceId: workspace.id,
          email: editor.email,
          role: "viewer",
        }),
      ),
    ).toBe("CONFLICT");
  });
});
