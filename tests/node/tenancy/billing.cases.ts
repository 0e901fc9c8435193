import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { stripeEvents } from "../../../db/schema";
import { setPlanLocally } from "../../../server/services/billing/accounts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** Tenant A is on Pro and has one recorded Stripe event; returns its id. */
async function billedTenantA({ db, a }: Tenants) {
  const id = `evt_${randomUUID()}`;
  await setPlanLocally({ db, workspaceId: a.workspace.id, plan: "pro", environment: "test", now: new Date() });
  await db.insert(stripeEvents).values({ id, type: "invoice.paid", created: 1, outcome: "processed", workspaceId: a.workspace.id });
  return id;
}

export const cases: Record<string, TenancyCase> = {
  "billing.getOverview": {
    async allow(x) {
      await billedTenantA(x);
      const overview = await x.api(x.a.viewer).billing.getOverview({ workspaceId: x.a.workspace.id });
      expect(overview.plan.id).toBe("pro");
    },
    async foreign(x) {
      await billedTenantA(x);
      await expectNotFound(x.api(x.outsider).billing.getOverview({ workspaceId: x.a.workspace.id }));
      expect((await x.api(x.outsider).billing.getOverview({ workspaceId: x.b.id })).plan.id).toBe("free");
    },
  },
  "billing.listEvents": {
    async allow(x) {
      const id = await billedTenantA(x);
      const { items } = await x.api(x.a.admin).billing.listEvents({ workspaceId: x.a.workspace.id });
      expect(items.map((e) => e.id)).toEqual([id]);
    },
    async foreign(x) {
      await billedTenantA(x);
      await expectNotFound(x.api(x.outsider).billing.listEvents({ workspaceId: x.a.workspace.id }));
      expect((await x.api(x.outsider).billing.listEvents({ workspaceId: x.b.id })).items).toEqual([]);
    },
  },
};
