import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../server/trpc/router";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { tenants, type TenancyCase } from "./tenancy/harness";

/**
 * Every workspace procedure (and every supporter procedure) has an allow case and a foreign-tenant case, in tests/node/tenancy/<domain>.cases.ts
 * (found automatically). The first test walks the router, so a new workspace procedure without cases fails.
 */
const modules = import.meta.glob<{ cases: Record<string, TenancyCase> }>("./tenancy/*.cases.ts", { eager: true });
const cases: Record<string, TenancyCase> = Object.assign({}, ...Object.values(modules).map((m) => m.cases));

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("tenancy", () => {
  it("has an allow and a foreign-tenant case for every workspace procedure in the router", () => {
    type Meta = { workspacePermission?: string; supporterOf?: string } | undefined;
    const workspaceProcedures = Object.entries(appRouter._def.procedures)
      .filter(([, procedure]) => {
        const meta = (procedure as unknown as { _def: { meta?: Meta } })._def.meta;
        // Supporter procedures are workspace-scoped too: another creator's audience must answer NOT_FOUND.
        return meta?.workspacePermission || meta?.supporterOf;
      })
      .map(([path]) => path)
      .sort();
    expect(workspaceProcedures.length).toBeGreaterThan(0);
    expect(Object.keys(cases).sort()).toEqual(workspaceProcedures);
  });

  for (const [path, tenancyCase] of Object.entries(cases)) {
    it(`${path}: a member is allowed`, async () => tenancyCase.allow(await tenants(t.db)));
    it(`${path}: another tenant gets NOT_FOUND`, async () => tenancyCase.foreign(await tenants(t.db)));
  }
});
