import type { Database } from "../../db/client";
import { grants, supporters, tiers, type GrantStatus, type TierKind } from "../../db/schema";
import { createUser, type TestUser } from "./factories";

/**
 * Audience rows for the posts tests, written straight to the tables: grants.ts (audcore) is the writer in the app,
 * and these tests are about what the gate and the posts surfaces do with the rows, not how they were issued.
 */
export async function insertTier(db: Database, workspaceId: string, opts: { name?: string; kind?: TierKind } = {}) {
  const kind = opts.kind ?? "paid";
  const [tier] = await db
    .insert(tiers)
    .values({ workspaceId, name: opts.name ?? `${kind} tier`, kind, monthlyPriceCents: kind === "paid" ? 500 : null })
    .returning();
  return tier;
}

export async function insertSupporter(
  db: Database,
  workspaceId: string,
  opts: {
    user?: TestUser;
    tierId?: string | null;
    grantStatus?: GrantStatus;
    status?: "active" | "blocked";
    newsletters?: boolean;
    name?: string;
  } = {},
) {
  const user = opts.user ?? (await createUser(db, { name: opts.name ?? "Sam Supporter" }));
  const [supporter] = await db
    .insert(supporters)
    .values({
      workspaceId,
      userId: user.id,
      source: "email_link",
      status: opts.status ?? "active",
      emailNewsletters: opts.newsletters ?? true,
    })
    .returning();
  if (opts.tierId) {
    await db.insert(grants).values({
      workspaceId,
      userId: user.id,
      supporterId: supporter.id,
      kind: "tier",
      tierId: opts.tierId,
      source: "complimentary",
      status: opts.grantStatus ?? "active",
      startsAt: new Date(Date.now() - 86_400_000),
    });
  }
  return { user, supporter };
}
