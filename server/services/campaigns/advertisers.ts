import { and, asc, count, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import { advertisers, campaigns, type AdvertiserContact } from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { auditAs, deleteUnlessNamed, requireOwned, type Actor } from "./records";

export interface AdvertiserFields {
  name: string;
  contacts: AdvertiserContact[];
  notes: string;
}

/** More than a network keeps on one page; the list says when it stopped. */
export const ADVERTISER_LIST_LIMIT = 200;

export async function listAdvertisers(opts: { db: DbOrTx; workspaceId: string }) {
  const rows = await opts.db
    .select({
      id: advertisers.id,
      name: advertisers.name,
      contacts: advertisers.contacts,
      createdAt: advertisers.createdAt,
      campaignCount: count(campaigns.id),
    })
    .from(advertisers)
    .leftJoin(
      campaigns,
      and(eq(campaigns.advertiserId, advertisers.id), eq(campaigns.workspaceId, advertisers.workspaceId)),
    )
    .where(eq(advertisers.workspaceId, opts.workspaceId))
    .groupBy(advertisers.id)
    .orderBy(asc(advertisers.name), asc(advertisers.id))
    .limit(ADVERTISER_LIST_LIMIT + 1);
  return { items: rows.slice(0, ADVERTISER_LIST_LIMIT), truncated: rows.length > ADVERTISER_LIST_LIMIT };
}

/** The advertiser and its campaigns, in one round trip. */
export async function getAdvertiser(opts: { db: DbOrTx; workspaceId: string; advertiserId: string }) {
  const [rows, campaignRows] = await readBatch(opts.db, [
    opts.db
      .select()
      .from(advertisers)
      .where(and(eq(advertisers.id, opts.advertiserId), eq(advertisers.workspaceId, opts.workspaceId)))
      .limit(1),
    opts.db
      .select({
        id: campaigns.id,
        name: campaigns.name,
        status: campaigns.status,
        startsOn: campaigns.startsOn,
        endsOn: campaigns.endsOn,
        budgetCents: campaigns.budgetCents,
        currency: campaigns.currency,
      })
      .from(campaigns)
      .where(and(eq(campaigns.advertiserId, opts.advertiserId), eq(campaigns.workspaceId, opts.workspaceId)))
      .orderBy(asc(campaigns.startsOn), asc(campaigns.id)),
  ]);
  const advertiser = rows[0];
  if (!advertiser) throw notFound("Advertiser");
  return { ...presentAdvertiser(advertiser), campaigns: campaignRows };
}

function presentAdvertiser(row: typeof advertisers.$inferSelect) {
  return {
    id: row.id,
    name: row.name,
    contacts: row.contacts,
    notes: row.notes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function createAdvertiser(input: Actor & { fields: AdvertiserFields }) {
  return input.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(advertisers)
      .values({
        ...input.fields,
        workspaceId: input.workspaceId,
        createdBy: input.actorUserId,
        createdAt: input.now,
        updatedAt: input.now,
      })
      .returning();
    await auditAs({ ...input, db: tx }, "advertiser.created", { advertiserId: row.id, name: row.name });
    return presentAdvertiser(row);
  });
}

export async function updateAdvertiser(input: Actor & { advertiserId: string; fields: AdvertiserFields }) {
  return input.db.transaction(async (tx) => {
    const [row] = await tx
      .update(advertisers)
      .set({ ...input.fields, updatedAt: input.now })
      .where(and(eq(advertisers.id, input.advertiserId), eq(advertisers.workspaceId, input.workspaceId)))
      .returning();
    if (!row) throw notFound("Advertiser");
    await auditAs({ ...input, db: tx }, "advertiser.updated", { advertiserId: row.id, name: row.name });
    return presentAdvertiser(row);
  });
}

/** Only an advertiser without campaigns can go: campaigns and invoices keep naming who bought them. */
export function deleteAdvertiser(input: Actor & { advertiserId: string }) {
  return deleteUnlessNamed({
    ...input,
    table: advertisers,
    id: input.advertiserId,
    dependents: campaigns,
    dependentColumn: campaigns.advertiserId,
    refusal: (row, n) =>
      `${row.name} has ${n === 1 ? "a campaign" : `${n} campaigns`}. Delete ${n === 1 ? "it" : "them"} first, or keep the advertiser.`,
    action: "advertiser.deleted",
  });
}

/** The advertiser a campaign or invoice stores, checked in the caller's workspace (ADR 013). */
export const requireAdvertiser = (opts: { db: DbOrTx; workspaceId: string; advertiserId: string }) =>
  requireOwned(opts, advertisers, opts.advertiserId);
