import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPlanLocally } from "../../server/services/billing/accounts";
import { PLANS } from "../../server/services/billing/plans";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const stripeEnv = {
  STRIPE_SECRET_KEY: "sk_test_x",
  STRIPE_WEBHOOK_SECRET: "whsec_x",
  STRIPE_PRICE_CREATOR: "price_creator",
};

describe("billing overview", () => {
  it("without Stripe keys says billing is not configured and puts the workspace on Free", async () => {
    const team = await createTeam(t.db);
    const overview = await callerFor(t.db, team.owner).api.billing.getOverview({ workspaceId: team.workspace.id });
    expect(overview).toMatchObject({ configured: false, status: "none", plan: PLANS.free });
    expect(overview.plans.map((p) => [p.id, p.purchasable])).toEqual([
      ["free", false],
      ["creator", false],
      ["pro", false],
    ]);
  });

  it("with Stripe configured offers the plans whose price is configured", async () => {
    const team = await createTeam(t.db);
    const overview = await callerFor(t.db, team.owner, { env: stripeEnv }).api.billing.getOverview({
      workspaceId: team.workspace.id,
    });
    expect(overview.configured).toBe(true);
    expect(overview.plans.map((p) => [p.id, p.purchasable])).toEqual([
      ["free", false],
      ["creator", true],
      ["pro", false],
    ]);
  });

  it("shows a plan set locally, with its limits", async () => {
    const team = await createTeam(t.db);
    await setPlanLocally({
      db: t.db,
      workspaceId: team.workspace.id,
      plan: "creator",
      environment: "development",
      now: new Date(),
    });
    const overview = await callerFor(t.db, team.viewer).api.billing.getOverview({ workspaceId: team.workspace.id });
    expect(overview).toMatchObject({ status: "active", plan: { id: "creator", limits: PLANS.creator.limits } });
    await setPlanLocally({
      db: t.db,
      workspaceId: team.workspace.id,
      plan: "free",
      environment: "development",
      now: new Date(),
    });
    expect(
      (await callerFor(t.db, team.viewer).api.billing.getOverview({ workspaceId: team.workspace.id })).plan.id,
    ).toBe("free");
  });

  it("refuses to set a plan locally in production, or for a workspace that does not exist", async () => {
    const team = await createTeam(t.db);
    await expect(
      setPlanLocally({
        db: t.db,
        workspaceId: team.workspace.id,
        plan: "pro",
        environment: "production",
        now: new Date(),
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    for (const environment of [undefined, "staging-typo"]) {
      await expect(
        setPlanLocally({ db: t.db, workspaceId: team.workspace.id, plan: "pro", environment, now: new Date() }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(
      setPlanLocally({
        db: t.db,
        workspaceId: "00000000-0000-4000-8000-000000000000",
        plan: "pro",
        environment: "development",
        now: new Date(),
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows Stripe events to owners and admins only", async () => {
    const team = await createTeam(t.db);
    for (const member of [team.owner, team.admin]) {
      expect((await callerFor(t.db, member).api.billing.listEvents({ workspaceId: team.workspace.id })).items).toEqual(
        [],
      );
    }
    for (const member of [team.editor, team.viewer]) {
      const error = await callerFor(t.db, member)
        .api.billing.listEvents({ workspaceId: team.workspace.id })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("FORBIDDEN");
    }
  });
});
