import { and, count, eq } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../../db/client";
import { advertisers, campaigns } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit, type AuditAction } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";

/**
 * What the advertiser, campaign and ad-slot writes share: who acts in which workspace (the transaction's handle in
 * `db`), their audit row, and the locked lookup and guarded delete that advertisers and campaigns each had a copy
 * of.
 */

export interface Actor {
  db: DbOrTx;
  workspaceId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}

/** The audit row of a write, in `actor.db` (the write's transaction, ADR 013). */
export const auditAs = (actor: Actor, action: AuditAction, detail: Record<string, string | number | null>) =>
  recordAudit({
    db: actor.db,
    action,
    actorUserId: actor.actorUserId,
    workspaceId: actor.workspaceId,
    detail,
    meta: actor.meta,
    now: actor.now,
  });

type Owned = typeof advertisers | typeof campaigns;
const NOUNS = new Map<Owned, { noun: string; idKey: string }>([
  [advertisers, { noun: "Advertiser", idKey: "advertiserId" }],
  [campaigns, { noun: "Campaign", idKey: "campaignId" }],
]);
const nounOf = (table: Owned) => NOUNS.get(table)!;

/** The advertiser or campaign a write stores, checked in the caller's workspace and share-locked (ADR 013). */
export async function requireOwned<T extends Owned>(
  opts: { db: DbOrTx; workspaceId: string },
  table: T,
  id: string,
): Promise<T["$inferSelect"]> {
  const [row] = await opts.db
    .select()
    .from(table as Owned)
    .where(and(eq(table.id, id), eq(table.workspaceId, opts.workspaceId)))
    .limit(1)
    .for("share");
  if (!row) throw notFound(nounOf(table).noun);
  return row;
}

/**
 * Deletes an advertiser or campaign of the caller's workspace unless rows of `dependents` (in the workspace, with
 * `dependentColumn` = its id) still name it. The row is locked first, so nothing starts naming it meanwhile;
 * `refusal` says in the creator's words why it stays. Audited in the same transaction.
 */
export async function deleteUnlessNamed(
  input: Actor & {
    table: Owned;
    id: string;
    dependents: PgTable & { workspaceId: PgColumn };
    dependentColumn: PgColumn;
    refusal: (row: { name: string }, count: number) => string;
    action: AuditAction;
  },
) {
  const { table } = input;
  return input.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: table.id, name: table.name })
      .from(table)
      .where(and(eq(table.id, input.id), eq(table.workspaceId, input.workspaceId)))
      .limit(1)
      .for("update");
    if (!row) throw notFound(nounOf(table).noun);
    const [used] = await tx
      .select({ n: count() })
      .from(input.dependents)
      .where(and(eq(input.dependentColumn, row.id), eq(input.dependents.workspaceId, input.workspaceId)));
    if (used.n > 0) throw new AppError("CONFLICT", input.refusal(row, used.n));
    await tx.delete(table).where(and(eq(table.id, row.id), eq(table.workspaceId, input.workspaceId)));
    await auditAs({ ...input, db: tx }, input.action, { [nounOf(table).idKey]: row.id, name: row.name });
    return { id: row.id };
  });
}
