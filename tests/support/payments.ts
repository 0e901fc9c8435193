import type { Database } from "../../db/client";
import { tiers } from "../../db/schema";

/** A paid tier of the workspace, monthly and yearly, optionally with a trial. */
export async function createPaidTier(
  db: Database,
  workspaceId: string,
  overrides: Partial<typeof tiers.$inferInsert> = {},
) {
  const [tier] = await db
    .insert(tiers)
    .values({
      workspaceId,
      name: "Backstage",
      kind: "paid",
      monthlyPriceCents: 500,
      yearlyPriceCents: 5000,
      currency: "usd",
      ...overrides,
    })
    .returning();
  return tier;
}
