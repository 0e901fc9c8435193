import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { supporters, tiers } from "../../db/schema";
import {
  endGrant as endGrantThroughService,
  issueGrant,
  PROVIDER_ACTOR,
  type EndedGrantStatus,
} from "../../server/services/audience/grants";

/**
 * Audience rows for private feed tests. Tiers and supporters are plain rows here; grants go through the one writer,
 * server/services/audience/grants.ts (ADR 022).
 */

export async function insertTier(db: Database, workspaceId: string, opts: { name: string; paid: boolean }) {
  const [tier] = await db
    .insert(tiers)
    .values({
      workspaceId,
      name: opts.name,
      kind: opts.paid ? "paid" : "free",
      monthlyPriceCents: opts.paid ? 500 : null,
    })
    .returning();
  return tier;
}

export async function insertSupporter(db: Database, workspaceId: string, userId: string) {
  const [supporter] = await db.insert(supporters).values({ workspaceId, userId, source: "email_link" }).returning();
  return supporter;
}

export async function grantTier(
  db: Database,
  supporter: { id: string; workspaceId: string; userId: string },
  tier: { id: string; kind: string },
  window: { startsAt: Date; endsAt?: Date | null },
) {
  const { grant } = await issueGrant({
    db,
    workspaceId: supporter.workspaceId,
    userId: supporter.userId,
    supporterId: supporter.id,
    kind: "tier",
    tierId: tier.id,
    source: tier.kind === "paid" ? "subscription" : "free_signup",
    sourceRef: tier.kind === "paid" ? `sub_${crypto.randomUUID()}` : null,
    startsAt: window.startsAt,
    endsAt: window.endsAt ?? null,
    actor: PROVIDER_ACTOR,
    now: new Date(),
  });
  return grant;
}

export async function endGrant(db: Database, grant: { id: string; workspaceId: string }, status: EndedGrantStatus) {
  await endGrantThroughService({
    db,
    workspaceId: grant.workspaceId,
    grantId: grant.id,
    status,
    reason: `test: ${status}`,
    actor: PROVIDER_ACTOR,
    now: new Date(),
  });
}

export async function blockSupporter(db: Database, supporter: { id: string; workspaceId: string }) {
  await db
    .update(supporters)
    .set({ status: "blocked", blockedAt: new Date() })
    .where(and(eq(supporters.id, supporter.id), eq(supporters.workspaceId, supporter.workspaceId)));
}
