import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { grants, tiers, type TierKind } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { GrantActor } from "./grants";

/**
 * A creator's tiers (ADR 022): free or paid, monthly and/or yearly prices, benefits, an optional trial, an order.
 * Archiving closes a tier to new members while existing grants run on; tiers are never deleted (grants point at
 * them). Prices on the connected Stripe account are created by the payments domain from these rows.
 */

export type Tier = typeof tiers.$inferSelect;

export interface TierFields {
  name: string;
  description: string;
  benefits: string[];
  kind: TierKind;
  monthlyPriceCents: number | null;
  yearlyPriceCents: number | null;
  currency: string;
  trialDays: number;
}

function checkPrices(fields: TierFields) {
  if (fields.kind === "paid" && fields.monthlyPriceCents === null && fields.yearlyPriceCents === null) {
    throw new AppError("BAD_REQUEST", "A paid tier needs a monthly or a yearly price.", {
      fieldErrors: { monthlyPriceCents: ["Enter a monthly or a yearly price."] },
    });
  }
  if (fields.kind === "free") {
    return { ...fields, monthlyPriceCents: null, yearlyPriceCents: null, trialDays: 0 };
  }
  return fields;
}

/**
 * Every tier of the workspace in the creator's order, archived ones last, with how many members each has now. The
 * subquery names "tiers" literally: drizzle leaves columns of a one-table select unqualified, which inside the
 * subquery would bind to `grants`.
 */
export function listTiersQuery(opts: { db: DbOrTx; workspaceId: string; now: Date }) {
  return opts.db
    .select({
      tier: tiers,
      activeMembers: sql<number>`(
        select count(distinct g.user_id)::int from ${grants} g
        where g.tier_id = "tiers"."id" and g.workspace_id = "tiers"."workspace_id" and g.status = 'active'
          and g.starts_at <= ${opts.now.toISOString()}::timestamptz
          and (g.ends_at is null or g.ends_at > ${opts.now.toISOString()}::timestamptz)
      )`,
    })
    .from(tiers)
    .where(eq(tiers.workspaceId, opts.workspaceId))
    .orderBy(sql`${tiers.archivedAt} is not null`, asc(tiers.position), asc(tiers.createdAt));
}

/** The tiers a visitor may join, in order (no member counts: those are the creator's business). */
export function publicTiersQuery(opts: { db: DbOrTx; workspaceId: string }) {
  return opts.db
    .select({
      id: tiers.id,
      name: tiers.name,
      description: tiers.description,
      benefits: tiers.benefits,
      kind: tiers.kind,
      monthlyPriceCents: tiers.monthlyPriceCents,
      yearlyPriceCents: tiers.yearlyPriceCents,
      currency: tiers.currency,
      trialDays: tiers.trialDays,
    })
    .from(tiers)
    .where(and(eq(tiers.workspaceId, opts.workspaceId), isNull(tiers.archivedAt)))
    .orderBy(asc(tiers.position), asc(tiers.createdAt));
}

/** A tier of this workspace, or NOT_FOUND (another workspace's tier id is indistinguishable from none). */
export async function getTier(opts: { db: DbOrTx; workspaceId: string; tierId: string }): Promise<Tier> {
  const [tier] = await opts.db
    .select()
    .from(tiers)
    .where(and(eq(tiers.id, opts.tierId), eq(tiers.workspaceId, opts.workspaceId)))
    .limit(1);
  if (!tier) throw new AppError("NOT_FOUND", "Tier not found.");
  return tier;
}

export async function createTier(opts: {
  db: DbOrTx;
  workspaceId: string;
  fields: TierFields;
  actor: GrantActor;
  now: Date;
}): Promise<Tier> {
  const fields = checkPrices(opts.fields);
  return opts.db.transaction(async (tx) => {
    const [last] = await tx
      .select({ position: sql<number>`coalesce(max(${tiers.position}), -1)::int` })
      .from(tiers)
      .where(eq(tiers.workspaceId, opts.workspaceId));
    const [tier] = await tx
      .insert(tiers)
      .values({
        ...fields,
        workspaceId: opts.workspaceId,
        position: (last?.position ?? -1) + 1,
        createdAt: opts.now,
        updatedAt: opts.now,
      })
      .returning();
    await recordAudit({
      db: tx,
      action: "tier.created",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { tierId: tier!.id, name: tier!.name, kind: tier!.kind },
      meta: opts.actor.meta,
      now: opts.now,
    });
    return tier!;
  });
}

/**
 * Changes a tier's words and prices. Its kind is fixed once it exists: a free tier turning paid would silently
 * open paid content to everyone who joined for free.
 */
export async function updateTier(opts: {
  db: DbOrTx;
  workspaceId: string;
  tierId: string;
  fields: Omit<TierFields, "kind">;
  actor: GrantActor;
  now: Date;
}): Promise<Tier> {
  const current = await getTier(opts);
  const fields = checkPrices({ ...opts.fields, kind: current.kind });
  return opts.db.transaction(async (tx) => {
    const [tier] = await tx
      .update(tiers)
      .set({ ...fields, updatedAt: opts.now })
      .where(and(eq(tiers.id, current.id), eq(tiers.workspaceId, opts.workspaceId)))
      .returning();
    await recordAudit({
      db: tx,
      action: "tier.updated",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { tierId: current.id, name: tier!.name },
      meta: opts.actor.meta,
      now: opts.now,
    });
    return tier!;
  });
}

/** Archives (or restores) a tier: no new members while archived; existing grants run on. */
export async function setTierArchived(opts: {
  db: DbOrTx;
  workspaceId: string;
  tierId: string;
  archived: boolean;
  actor: GrantActor;
  now: Date;
}): Promise<Tier> {
  const current = await getTier(opts);
  return opts.db.transaction(async (tx) => {
    const [tier] = await tx
      .update(tiers)
      .set({ archivedAt: opts.archived ? (current.archivedAt ?? opts.now) : null, updatedAt: opts.now })
      .where(and(eq(tiers.id, current.id), eq(tiers.workspaceId, opts.workspaceId)))
      .returning();
    await recordAudit({
      db: tx,
      action: "tier.archived",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { tierId: current.id, archived: opts.archived },
      meta: opts.actor.meta,
      now: opts.now,
    });
    return tier!;
  });
}

/** Moves a tier one place up or down among the workspace's tiers (swapping positions in one transaction). */
export async function moveTier(opts: {
  db: DbOrTx;
  workspaceId: string;
  tierId: string;
  direction: "up" | "down";
  actor: GrantActor;
  now: Date;
}): Promise<void> {
  await opts.db.transaction(async (tx) => {
    const ordered = await tx
      .select({ id: tiers.id, position: tiers.position })
      .from(tiers)
      .where(eq(tiers.workspaceId, opts.workspaceId))
      .orderBy(asc(tiers.position), asc(tiers.createdAt))
      .for("update");
    const index = ordered.findIndex((tier) => tier.id === opts.tierId);
    if (index < 0) throw new AppError("NOT_FOUND", "Tier not found.");
    const swapWith = opts.direction === "up" ? index - 1 : index + 1;
    if (swapWith < 0 || swapWith >= ordered.length) return;
    const reordered = [...ordered];
    [reordered[index], reordered[swapWith]] = [reordered[swapWith]!, reordered[index]!];
    for (const [position, tier] of reordered.entries()) {
      await tx
        .update(tiers)
        .set({ position, updatedAt: opts.now })
        .where(and(eq(tiers.id, tier.id), eq(tiers.workspaceId, opts.workspaceId)));
    }
    await recordAudit({
      db: tx,
      action: "tier.moved",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { tierId: opts.tierId, direction: opts.direction },
      meta: opts.actor.meta,
      now: opts.now,
    });
  });
}
