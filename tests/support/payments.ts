import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { connectedAccounts, tiers } from "../../db/schema";
import type { TestUser } from "./factories";
import type { ConnectApi } from "./stripe-connect-api";
import { callerFor } from "./trpc";

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

/** Bindings that select Stripe Connect, with the real SDK pointed at a local stand-in (tests/support/stripe-api.ts). */
export function connectEnv(apiUrl: string) {
  return {
    STRIPE_SECRET_KEY: "sk_test_connect_local",
    STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_connect_local",
    STRIPE_API_URL: apiUrl,
  };
}

/**
 * A workspace whose creator finished Stripe onboarding: the account exists at the stand-in with charges enabled, and
 * Greenroom's row says so. Returns the `acct_…` id.
 */
export async function connectedWorkspace(
  db: Database,
  api: { url: string; connect: ConnectApi },
  owner: TestUser,
  workspaceId: string,
): Promise<string> {
  const env = connectEnv(api.url);
  await callerFor(db, owner, { env }).api.payments.startConnectOnboarding({ workspaceId });
  const [row] = await db.select().from(connectedAccounts).where(eq(connectedAccounts.workspaceId, workspaceId));
  api.connect.updateAccount(row.stripeAccountId, {
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    currently_due: [],
    disabled_reason: null,
  });
  await callerFor(db, owner, { env }).api.payments.refreshConnectAccount({ workspaceId });
  return row.stripeAccountId;
}
