import { TRPCError } from "@trpc/server";
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { joinSignedIn } from "../../../server/services/audience/join";
import { grantMembership } from "../../../server/services/audience/members";
import { insertTier } from "../../support/audience";
import { createUser } from "../../support/factories";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

const META = { ip: null, userAgent: null };

/**
 * Tenant A has a paid tier and a supporter holding a complimentary grant of it; tenant B (the outsider's) has its
 * own tier and supporter. Foreign cases address A's workspace, and A's objects through B's workspace.
 */
async function audiences({ db, a, b, outsider }: Tenants) {
  const now = new Date();
  const tierA = await insertTier(db, a.workspace.id, { name: "A's tier" });
  const tierB = await insertTier(db, b.id, { name: "B's tier" });
  const fanA = await createUser(db, { name: "Fan of A" });
  const grantA = await grantMembership({
    db,
    workspaceId: a.workspace.id,
    email: fanA.email,
    tierId: tierA.id,
    source: "complimentary",
    startsAt: now,
    endsAt: null,
    reason: "Early backer",
    actor: { userId: a.owner.id, meta: META },
    now,
  });
  const fanB = await createUser(db, { name: "Fan of B" });
  const grantB = await grantMembership({
    db,
    workspaceId: b.id,
    email: fanB.email,
    tierId: tierB.id,
    source: "complimentary",
    startsAt: now,
    endsAt: null,
    reason: "",
    actor: { userId: outsider.id, meta: META },
    now,
  });
  return { tierA, tierB, fanA, fanB, supporterA: grantA.supporterId, grantA: grantA.grantId, grantB };
}

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]) {
  const error = await promise.then(
    () => new Error(`expected ${code}, the call succeeded`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
}

const tierInput = {
  name: "Backstage",
  description: "",
  benefits: ["Bonus episodes"],
  monthlyPriceCents: 500,
  yearlyPriceCents: null,
  currency: "usd" as const,
  trialDays: 0,
};

export const cases: Record<string, TenancyCase> = {
  "tiers.list": {
    async allow(x) {
      const { tierA } = await audiences(x);
      const list = await x.api(x.a.editor).tiers.list({ workspaceId: x.a.workspace.id });
      expect(list.map((t) => [t.id, t.activeMembers])).toEqual([[tierA.id, 1]]);
    },
    async foreign(x) {
      await audiences(x);
      await expectNotFound(x.api(x.outsider).tiers.list({ workspaceId: x.a.workspace.id }));
      expect((await x.api(x.outsider).tiers.list({ workspaceId: x.b.id })).map((t) => t.name)).toEqual(["B's tier"]);
    },
  },
  "tiers.create": {
    async allow(x) {
      const tier = await x.api(x.a.admin).tiers.create({ workspaceId: x.a.workspace.id, kind: "paid", ...tierInput });
      expect(tier).toMatchObject({ name: "Backstage", kind: "paid", monthlyPriceCents: 500 });
    },
    async foreign(x) {
      await expectNotFound(
        x.api(x.outsider).tiers.create({ workspaceId: x.a.workspace.id, kind: "paid", ...tierInput }),
      );
    },
  },
  "tiers.update": {
    async allow(x) {
      const { tierA } = await audiences(x);
      const tier = await x
        .api(x.a.owner)
        .tiers.update({ workspaceId: x.a.workspace.id, tierId: tierA.id, ...tierInput, name: "Renamed" });
      expect(tier.name).toBe("Renamed");
    },
    async foreign(x) {
      const { tierA } = await audiences(x);
      await expectNotFound(
        x.api(x.outsider).tiers.update({ workspaceId: x.a.workspace.id, tierId: tierA.id, ...tierInput }),
      );
      await expectNotFound(x.api(x.outsider).tiers.update({ workspaceId: x.b.id, tierId: tierA.id, ...tierInput }));
    },
  },
  "tiers.setArchived": {
    async allow(x) {
      const { tierA } = await audiences(x);
      const tier = await x
        .api(x.a.owner)
        .tiers.setArchived({ workspaceId: x.a.workspace.id, tierId: tierA.id, archived: true });
      expect(tier.archivedAt).toBeInstanceOf(Date);
    },
    async foreign(x) {
      const { tierA } = await audiences(x);
      await expectNotFound(
        x.api(x.outsider).tiers.setArchived({ workspaceId: x.a.workspace.id, tierId: tierA.id, archived: true }),
      );
      await expectNotFound(
        x.api(x.outsider).tiers.setArchived({ workspaceId: x.b.id, tierId: tierA.id, archived: true }),
      );
    },
  },
  "tiers.move": {
    async allow(x) {
      const { tierA } = await audiences(x);
      const second = await insertTier(x.db, x.a.workspace.id, { name: "Second", position: 1 });
      await x.api(x.a.owner).tiers.move({ workspaceId: x.a.workspace.id, tierId: second.id, direction: "up" });
      const list = await x.api(x.a.owner).tiers.list({ workspaceId: x.a.workspace.id });
      expect(list.map((t) => t.id)).toEqual([second.id, tierA.id]);
    },
    async foreign(x) {
      const { tierA } = await audiences(x);
      await expectNotFound(
        x.api(x.outsider).tiers.move({ workspaceId: x.a.workspace.id, tierId: tierA.id, direction: "down" }),
      );
      await expectNotFound(x.api(x.outsider).tiers.move({ workspaceId: x.b.id, tierId: tierA.id, direction: "down" }));
    },
  },
  "audience.listMembers": {
    async allow(x) {
      const { fanA, tierA } = await audiences(x);
      const list = await x.api(x.a.editor).audience.listMembers({ workspaceId: x.a.workspace.id });
      expect(list.members.map((m) => m.email)).toEqual([fanA.email]);
      const filtered = await x
        .api(x.a.editor)
        .audience.listMembers({ workspaceId: x.a.workspace.id, filters: { tier: tierA.id } });
      expect(filtered.total).toBe(1);
    },
    async foreign(x) {
      const { fanB } = await audiences(x);
      await expectNotFound(x.api(x.outsider).audience.listMembers({ workspaceId: x.a.workspace.id }));
      const own = await x.api(x.outsider).audience.listMembers({ workspaceId: x.b.id });
      expect(own.members.map((m) => m.email)).toEqual([fanB.email]);
    },
  },
  "audience.exportMembers": {
    async allow(x) {
      const { fanA } = await audiences(x);
      const { rows } = await x.api(x.a.owner).audience.exportMembers({ workspaceId: x.a.workspace.id });
      expect(rows.map((r) => [r.email, r.tiers])).toEqual([[fanA.email, "A's tier"]]);
    },
    async foreign(x) {
      await audiences(x);
      await expectNotFound(x.api(x.outsider).audience.exportMembers({ workspaceId: x.a.workspace.id }));
    },
  },
  "audience.getMember": {
    async allow(x) {
      const { supporterA, fanA } = await audiences(x);
      const page = await x
        .api(x.a.editor)
        .audience.getMember({ workspaceId: x.a.workspace.id, supporterId: supporterA });
      expect(page.member.email).toBe(fanA.email);
      expect(page.grants.map((g) => [g.source, g.tierName])).toEqual([["complimentary", "A's tier"]]);
      expect(page.history.map((h) => h.action)).toEqual(["grant.issued"]);
    },
    async foreign(x) {
      const { supporterA } = await audiences(x);
      await expectNotFound(
        x.api(x.outsider).audience.getMember({ workspaceId: x.a.workspace.id, supporterId: supporterA }),
      );
      await expectNotFound(x.api(x.outsider).audience.getMember({ workspaceId: x.b.id, supporterId: supporterA }));
    },
  },
  "audience.getGrowth": {
    async allow(x) {
      await audiences(x);
      const days = await x.api(x.a.owner).audience.getGrowth({ workspaceId: x.a.workspace.id, days: 30 });
      expect(days).toHaveLength(30);
      expect(days.at(-1)!.members).toBe(1);
    },
    async foreign(x) {
      await audiences(x);
      await expectNotFound(x.api(x.outsider).audience.getGrowth({ workspaceId: x.a.workspace.id, days: 30 }));
    },
  },
  "audience.setMemberBlocked": {
    async allow(x) {
      const { supporterA } = await audiences(x);
      const result = await x
        .api(x.a.admin)
        .audience.setMemberBlocked({ workspaceId: x.a.workspace.id, supporterId: supporterA, blocked: true });
      expect(result.status).toBe("blocked");
    },
    async foreign(x) {
      const { supporterA } = await audiences(x);
      await expectNotFound(
        x
          .api(x.outsider)
          .audience.setMemberBlocked({ workspaceId: x.a.workspace.id, supporterId: supporterA, blocked: true }),
      );
      await expectNotFound(
        x.api(x.outsider).audience.setMemberBlocked({ workspaceId: x.b.id, supporterId: supporterA, blocked: true }),
      );
    },
  },
  "audience.setMemberNote": {
    async allow(x) {
      const { supporterA } = await audiences(x);
      await x.api(x.a.admin).audience.setMemberNote({
        workspaceId: x.a.workspace.id,
        supporterId: supporterA,
        note: "Met at the live show",
      });
      const page = await x
        .api(x.a.admin)
        .audience.getMember({ workspaceId: x.a.workspace.id, supporterId: supporterA });
      expect(page.member.note).toBe("Met at the live show");
    },
    async foreign(x) {
      const { supporterA } = await audiences(x);
      await expectNotFound(
        x.api(x.outsider).audience.setMemberNote({ workspaceId: x.a.workspace.id, supporterId: supporterA, note: "x" }),
      );
      await expectNotFound(
        x.api(x.outsider).audience.setMemberNote({ workspaceId: x.b.id, supporterId: supporterA, note: "x" }),
      );
    },
  },
  "audience.grantMembership": {
    async allow(x) {
      const { tierA } = await audiences(x);
      const result = await x.api(x.a.owner).audience.grantMembership({
        workspaceId: x.a.workspace.id,
        email: "guest@example.test",
        tierId: tierA.id,
        source: "gift",
        endsAt: new Date(Date.now() + 30 * 86_400_000),
        reason: "Contest winner",
      });
      expect(result.grantId).toBeTruthy();
    },
    async foreign(x) {
      const { tierA } = await audiences(x);
      const input = { email: "guest@example.test", tierId: tierA.id, source: "gift" as const, endsAt: null };
      await expectNotFound(x.api(x.outsider).audience.grantMembership({ workspaceId: x.a.workspace.id, ...input }));
      // A's tier id through B's workspace: unknown there.
      await expectNotFound(x.api(x.outsider).audience.grantMembership({ workspaceId: x.b.id, ...input }));
    },
  },
  "audience.revokeGrant": {
    async allow(x) {
      const { supporterA, grantA } = await audiences(x);
      const result = await x
        .api(x.a.owner)
        .audience.revokeGrant({ workspaceId: x.a.workspace.id, supporterId: supporterA, grantId: grantA });
      expect(result.status).toBe("revoked");
    },
    async foreign(x) {
      const { supporterA, grantA, grantB } = await audiences(x);
      await expectNotFound(
        x
          .api(x.outsider)
          .audience.revokeGrant({ workspaceId: x.a.workspace.id, supporterId: supporterA, grantId: grantA }),
      );
      await expectNotFound(
        x
          .api(x.outsider)
          .audience.revokeGrant({ workspaceId: x.b.id, supporterId: grantB.supporterId, grantId: grantA }),
      );
    },
  },
  "audience.extendGrant": {
    async allow(x) {
      const { supporterA, grantA } = await audiences(x);
      const endsAt = new Date(Date.now() + 90 * 86_400_000);
      const result = await x
        .api(x.a.owner)
        .audience.extendGrant({ workspaceId: x.a.workspace.id, supporterId: supporterA, grantId: grantA, endsAt });
      expect(result.endsAt).toEqual(endsAt);
    },
    async foreign(x) {
      const { supporterA, grantA, grantB } = await audiences(x);
      await expectNotFound(
        x.api(x.outsider).audience.extendGrant({
          workspaceId: x.a.workspace.id,
          supporterId: supporterA,
          grantId: grantA,
          endsAt: null,
        }),
      );
      await expectNotFound(
        x.api(x.outsider).audience.extendGrant({
          workspaceId: x.b.id,
          supporterId: grantB.supporterId,
          grantId: grantA,
          endsAt: null,
        }),
      );
    },
  },
  "audience.importMembers": {
    async allow(x) {
      await audiences(x);
      const csv = "email,name,tier\nnew@example.test,New Person,A's tier\n";
      const preview = await x
        .api(x.a.owner)
        .audience.importMembers({ workspaceId: x.a.workspace.id, csv, apply: false });
      expect(preview).toMatchObject({ rows: 1, imported: 0, problems: [] });
      const done = await x.api(x.a.owner).audience.importMembers({ workspaceId: x.a.workspace.id, csv, apply: true });
      expect(done).toMatchObject({ imported: 1, problems: [] });
    },
    async foreign(x) {
      await audiences(x);
      await expectNotFound(
        x
          .api(x.outsider)
          .audience.importMembers({ workspaceId: x.a.workspace.id, csv: "email\na@b.test\n", apply: true }),
      );
      // B naming A's tier: B has no tier of that name, so the row is refused, not granted.
      const own = await x
        .api(x.outsider)
        .audience.importMembers({ workspaceId: x.b.id, csv: "email,tier\nc@d.test,A's tier\n", apply: true });
      expect(own).toMatchObject({
        imported: 0,
        problems: [{ line: 2, message: `There is no tier called "A's tier".` }],
      });
    },
  },
  "audience.getPortal": {
    async allow(x) {
      const { fanA } = await audiences(x);
      const portal = await x.api(fanA).audience.getPortal({ workspaceId: x.a.workspace.id });
      expect(portal.grants.map((g) => g.tierName)).toEqual(["A's tier"]);
    },
    async foreign(x) {
      const { fanB } = await audiences(x);
      await expectNotFound(x.api(fanB).audience.getPortal({ workspaceId: randomUUID() }));
      await expectCode(x.api(fanB).audience.getPortal({ workspaceId: x.a.workspace.id }), "PRECONDITION_FAILED");
    },
  },
  "audience.setEmailPreferences": {
    async allow(x) {
      const { fanA } = await audiences(x);
      const prefs = await x.api(fanA).audience.setEmailPreferences({
        workspaceId: x.a.workspace.id,
        emailNewsletters: false,
        emailNotifications: true,
      });
      expect(prefs.emailNewsletters).toBe(false);
    },
    async foreign(x) {
      const { fanB } = await audiences(x);
      const input = { emailNewsletters: false, emailNotifications: false };
      await expectNotFound(x.api(fanB).audience.setEmailPreferences({ workspaceId: randomUUID(), ...input }));
      await expectCode(
        x.api(fanB).audience.setEmailPreferences({ workspaceId: x.a.workspace.id, ...input }),
        "PRECONDITION_FAILED",
      );
    },
  },
  "audience.leave": {
    async allow(x) {
      const { fanA } = await audiences(x);
      expect(await x.api(fanA).audience.leave({ workspaceId: x.a.workspace.id })).toEqual({ left: true });
      await expectCode(x.api(fanA).audience.getPortal({ workspaceId: x.a.workspace.id }), "PRECONDITION_FAILED");
      // Joining again reopens the relationship.
      await joinSignedIn({
        db: x.db,
        workspaceId: x.a.workspace.id,
        userId: fanA.id,
        tierId: null,
        meta: META,
        now: new Date(),
      });
      expect((await x.api(fanA).audience.getPortal({ workspaceId: x.a.workspace.id })).status).toBe("active");
    },
    async foreign(x) {
      const { fanB } = await audiences(x);
      await expectNotFound(x.api(fanB).audience.leave({ workspaceId: randomUUID() }));
      await expectCode(x.api(fanB).audience.leave({ workspaceId: x.a.workspace.id }), "PRECONDITION_FAILED");
    },
  },
};
